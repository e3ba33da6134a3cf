using System.CommandLine;
using System.Text.RegularExpressions;
using MlNetMtl.MLNet;
using MlNetMtl.Networks;
using MlNetMtl.Settings;
using MlNetMtl.Training;
using MlNetMtl.Training.Weighting;

namespace MlNetMtl.Cli;

/// <summary>
/// The options of the commands that train, derived from the declarations: <c>--architecture</c> and <c>--weighting</c>
/// from the plug-ins found, and one option per declared setting (<see cref="TrainerSettings.All"/>) with the
/// setting's documentation and its declared default. A setting not given keeps the default of the part that owns it.
/// </summary>
internal sealed partial class TrainingOptionSet
{
    public TrainingOptionSet()
    {
        Architecture = new("--architecture") { Description = $"The architecture: {string.Join(", ", NetworkOptions.Names)}. [default: {NetworkOptions.Names[0]}]" };
        Weighting = new("--weighting") { Description = $"The loss weighting: {string.Join(", ", LossWeighting.Names)}. [default: {LossWeighting.Names[0]}]" };
        Settings = TrainerSettings.All.Select(s => (s, Create(s))).ToArray();
    }

    public Option<string> Architecture { get; }
    public Option<string> Weighting { get; }

    /// <summary>One option per setting.</summary>
    public IReadOnlyList<(Setting Setting, Option<string> Option)> Settings { get; }

    /// <summary>The option of the setting called <paramref name="flag"/>.</summary>
    public Option<string> Of(string flag) => Settings.Single(s => s.Setting.Flag == flag).Option;

    public void AddTo(Command command)
    {
        command.Options.Add(Architecture);
        command.Options.Add(Weighting);
        foreach (var (_, option) in Settings)
            command.Options.Add(option);
    }

    /// <summary>The settings given on the command line (the rest are left to their declared defaults).</summary>
    public SettingValues Given(ParseResult parse)
    {
        var values = SettingValues.None;
        foreach (var (setting, option) in Settings)
            if (parse.GetResult(option) is { Implicit: false } && command(parse).Options.Contains(option))
                values = values.With(setting, setting.Parse(parse.GetValue(option)!));
        return values;
        static Command command(ParseResult parse) => parse.CommandResult.Command;
    }

    /// <summary>The architecture given (its name as declared), or null.</summary>
    public string? ArchitectureGiven(ParseResult parse) => parse.GetValue(Architecture) is { } a ? OneOf(a, "--architecture", NetworkOptions.Names) : null;

    /// <summary>The loss weighting given (its name as declared), or null.</summary>
    public string? WeightingGiven(ParseResult parse) => parse.GetValue(Weighting) is { } w ? OneOf(w, "--weighting", LossWeighting.Names) : null;

    /// <summary>The architecture, the weighting and the settings given, checked against each other.</summary>
    public TrainerRecipe Recipe(ParseResult parse)
    {
        var recipe = new TrainerRecipe(ArchitectureGiven(parse) ?? NetworkOptions.Names[0], WeightingGiven(parse) ?? LossWeighting.Names[0], Given(parse));
        recipe.CheckValuesApply();
        return recipe;
    }

    /// <summary>The seed the command's context runs with: <c>--seed</c>, or <see cref="TrainerOptions.DefaultSeed"/>.</summary>
    public int Seed(ParseResult parse) => Given(parse).TryGet(TrainerSettings.Find("seed")!, out var seed) && seed is int value ? value : TrainerOptions.DefaultSeed;

    /// <summary>Options for <paramref name="tasks"/> over <paramref name="featureColumn"/> with the recipe of the command line.</summary>
    public MultiTaskNetworkTrainerOptions Create(ParseResult parse, string featureColumn, IEnumerable<TaskColumn> tasks, IProgress<EpochReport>? progress) =>
        Recipe(parse).ApplyTo(Template(featureColumn, tasks, progress));

    /// <summary>Options with the columns, tasks and progress of a command and everything else at its default.</summary>
    public static MultiTaskNetworkTrainerOptions Template(string featureColumn, IEnumerable<TaskColumn> tasks, IProgress<EpochReport>? progress) =>
        new() { FeatureColumnName = featureColumn, Tasks = tasks.ToList(), Progress = progress };

    /// <summary>The name among <paramref name="names"/> that <paramref name="text"/> is (any case).</summary>
    private static string OneOf(string text, string flag, IReadOnlyList<string> names) =>
        names.FirstOrDefault(n => n.Equals(text.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"{flag} '{text}' is not one of {string.Join(", ", names)}.");

    private static Option<string> Create(Setting setting)
    {
        var option = new Option<string>("--" + setting.Flag) { Description = Help(setting), HelpName = HelpName(setting) };
        if (setting.Flag == "epochs")
            option.Aliases.Add("--max-epochs");
        return option;
    }

    /// <summary>The documentation without its "Default …" sentence, then the architectures or weightings that have the setting and its declared default(s).</summary>
    private static string Help(Setting setting)
    {
        var sentence = DefaultSentence().Match(setting.Description);
        string text = (sentence.Success ? setting.Description[..sentence.Index] : setting.Description).Trim();
        if (TrainerSettings.IsNetworkSetting(setting) && TrainerSettings.ArchitecturesWith(setting) is { } names && names.Count < NetworkOptions.Names.Count)
            text += $" ({string.Join(", ", names)})";
        if (TrainerSettings.IsWeightingSetting(setting))
            text += $" (--weighting {string.Join(", ", TrainerSettings.WeightingsWith(setting))})";
        // "Default null: what happens instead" says more than "none", "Default: the processor count" more than this machine's.
        string shown = setting.Flag == "seed" ? $"{TrainerOptions.DefaultSeed}"
            : sentence.Groups["instead"].Success ? sentence.Groups["instead"].Value.TrimEnd('.') : Defaults(setting);
        return $"{text} [default: {shown}]";
    }

    /// <summary>The declared default; where an architecture's options start from another, each: <c>64; AITM 64,32</c>.</summary>
    private static string Defaults(Setting setting)
    {
        var owners = TrainerSettings.IsNetworkSetting(setting) ? NetworkOptions.Types.Where(setting.AppliesTo).ToArray()
            : TrainerSettings.IsWeightingSetting(setting) ? LossWeighting.Types.Where(setting.AppliesTo).ToArray()
            : [setting.Owner];
        var defaults = owners.Select(t => (Name: NetworkOptions.Types.Contains(t) ? NetworkOptions.Create(NetworkOptions.Names[NetworkOptions.Types.ToList().IndexOf(t)]).Name : "", Value: Setting.Format(setting.DefaultOf(t))))
            .ToArray();
        string common = defaults.GroupBy(d => d.Value).OrderByDescending(g => g.Count()).First().Key;
        return string.Join("; ", new[] { common }.Concat(defaults.Where(d => d.Value != common).Select(d => $"{d.Name} {d.Value}")));
    }

    private static string HelpName(Setting setting)
    {
        var type = Nullable.GetUnderlyingType(setting.ValueType) ?? setting.ValueType;
        return type == typeof(int[]) ? "WIDTHS" : type.IsEnum ? string.Join("|", Enum.GetNames(type)) : type == typeof(bool) ? "true|false"
            : type == typeof(string) ? "NAME" : type == typeof(int) ? "N" : "X";
    }

    /// <summary>The documentation's last sentence when it starts "Default" (a dot not followed by a space does not end it: 0.6, ML.NET).</summary>
    [GeneratedRegex(@"\s*Default(?:(?: null)?: (?<instead>(?:[^.]|\.(?=\S))*)| (?:[^.]|\.(?=\S))*|\b)\.?\s*$")]
    private static partial Regex DefaultSentence();
}
