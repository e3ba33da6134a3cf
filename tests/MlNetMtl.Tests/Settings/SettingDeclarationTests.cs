using System.Reflection;
using System.Text.RegularExpressions;
using MlNetMtl.MLNet;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Settings;
using MlNetMtl.Tests.Cli;
using MlNetMtl.Training;
using MlNetMtl.Training.Weighting;

namespace MlNetMtl.Tests.Settings;

/// <summary>
/// Each setting is declared once, in the options of the part that owns it, and everything else derives from that
/// declaration: the command line of every training command (its option, help and default), the experiment's search
/// (candidate values, or a reason to keep it fixed) and the generated code.
/// </summary>
public class SettingDeclarationTests
{
    /// <summary>Every options type whose properties are settings.</summary>
    private static IEnumerable<Type> OptionsTypes() =>
        NetworkOptions.Types.Concat(LossWeighting.Types)
            .Concat([typeof(TrainerOptions), typeof(LearningRateSchedule), typeof(MultiTaskNetworkTrainerOptions)]);

    [Test]
    public void EveryPublicOptionsProperty_IsASetting_AGroup_OrSaysWhyNot()
    {
        var undeclared = OptionsTypes().SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            .Where(p => p.SetMethod is { IsPublic: true })
            .Where(p => p.GetCustomAttribute<SettingAttribute>() is null && p.GetCustomAttribute<SettingGroupAttribute>() is null
                        && p.GetCustomAttribute<NotASettingAttribute>() is not { Why.Length: > 0 })
            .Select(p => $"{p.DeclaringType!.Name}.{p.Name}").Distinct().ToArray();
        Assert.That(undeclared, Is.Empty, "a property users set must be a setting, a group of settings, or say why it is neither");
    }

    [Test]
    public void EveryFlag_NamesOneProperty_AndTheCatalogueHasEverySetting()
    {
        var all = OptionsTypes().SelectMany(Setting.Of).ToArray();
        foreach (var flag in all.GroupBy(s => s.Flag))
            Assert.That(flag.Select(s => $"{s.Property.DeclaringType!.FullName}.{s.Name}").Distinct().ToArray(), Has.Length.EqualTo(1), $"--{flag.Key} is declared twice");
        Assert.That(TrainerSettings.All.Select(s => s.Flag), Is.EquivalentTo(all.Select(s => s.Flag).Distinct()));
        Assert.That(TrainerSettings.All.Select(s => s.Flag), Is.Unique);
        var cliOwned = new[] { "architecture", "weighting", "help", "task", "dataset", "output" };
        Assert.That(TrainerSettings.All.Select(s => s.Flag).Intersect(cliOwned), Is.Empty, "a setting's flag must not take a command's own name");
    }

    [Test]
    public void EverySetting_IsDocumented_AndItsDefaultReadsBackFromItsTextForm()
    {
        foreach (var setting in TrainerSettings.All)
        {
            Assert.That(setting.Description, Does.Contain("Default"), $"{setting}: its XML summary says what the default is");
            foreach (var owner in OptionsTypes().Where(t => !t.IsAbstract && setting.AppliesTo(t)))
            {
                object? value = setting.DefaultOf(owner);
                if (value is not null)
                    Assert.That(Setting.Same(setting.Parse(Setting.Format(value)), value), $"{setting} of {owner.Name}: '{Setting.Format(value)}' reads back");
            }
        }
    }

    [Test]
    public void EverySetting_IsSearchedWithValidValues_OrSaysWhyNot()
    {
        foreach (var setting in TrainerSettings.All)
        {
            Assert.That(setting.Candidates.Count > 0 ^ setting.NotSearched is { Length: > 0 }, $"{setting}: either values to search or a reason not to");
            foreach (var owner in NetworkOptions.Names.Where(a => setting.AppliesTo(NetworkOptions.Create(a).GetType())))
                foreach (var candidate in setting.Candidates)
                {
                    var network = SettingValues.None.With(setting, candidate).ApplyTo(NetworkOptions.Create(owner));
                    Assert.That(() => network.Validate(), Throws.Nothing, $"{setting} = {Setting.Format(candidate)} for {owner}");
                }
        }
        Assert.That(TrainerSettings.All.Where(s => s.Candidates.Count > 0).Select(s => s.Flag),
            Is.SupersetOf(new[] { "dropout", "tower", "bottom", "experts", "expert-widths", "learning-rate", "batch-size" }));
    }

    [Test]
    public void TheSearch_StartsEveryArchitectureAtTheDefaultsEveryoneElseUses()
    {
        var space = new MlNetMtl.Experiments.SearchSpace(tasks: 2, chain: true, seed: 1);
        foreach (string architecture in space.Architectures)
        {
            var first = space.Next();
            Assert.That(first.Architecture, Is.EqualTo(architecture));
            var searched = first.ApplyTo(new MultiTaskNetworkTrainerOptions()).Network;
            var direct = NetworkOptions.Create(architecture);
            foreach (var setting in Setting.Of(direct.GetType()))
                Assert.That(Setting.Same(setting.Get(searched), setting.Get(direct)), $"{architecture} {setting}: the search's first trial and the options built directly agree");
        }
        var viaCatalog = new MultiTaskNetworkTrainerOptions { Network = new MmoeOptions() };
        Assert.That(((MmoeOptions)viaCatalog.Network).TowerWidths, Is.EqualTo(new SharedBottomOptions().TowerWidths), "one tower default for every architecture but AITM");
    }

    private static readonly string[] TrainingCommands = ["train", "compare", "gain", "demo", "experiment"];

    [TestCaseSource(nameof(TrainingCommands))]
    public void EverySetting_IsAnOptionOfTheCommand_WithItsDeclaredDefault(string command)
    {
        var (exit, help) = CliProcess.Run(command, "--help");
        Assert.That(exit, Is.EqualTo(0), help);
        var lines = help.Split('\n').Select(l => l.Trim()).ToArray();
        foreach (var setting in TrainerSettings.All.Where(s => !(command == "demo" && s.Flag == "seed")))
        {
            string? line = lines.FirstOrDefault(l => Regex.IsMatch(l, $@"^--{Regex.Escape(setting.Flag)}(, --[a-z-]+)? <"));
            Assert.That(line, Is.Not.Null, $"{command} lacks --{setting.Flag}");
            var owner = OptionsTypes().First(t => !t.IsAbstract && setting.AppliesTo(t));
            object? declared = setting.DefaultOf(owner);
            bool describedInWords = Regex.IsMatch(setting.Description, @"Default(?: null)?: ") || setting.Flag == "seed";
            string shown = Regex.Match(line!, @"\[default: ([^\]]*)\]$").Groups[1].Value;
            Assert.That(shown, Is.Not.Empty, $"{command} --{setting.Flag} shows a default");
            if (declared is not null && !describedInWords)
                Assert.That(shown, Does.StartWith(Setting.Format(declared)), $"{command} --{setting.Flag} shows its declared default");
        }
        Assert.That(lines.First(l => l.StartsWith("--seed ", StringComparison.Ordinal)), Does.EndWith(command == "demo" ? "[default: 42]" : $"[default: {TrainerOptions.DefaultSeed}]"));
        string flat = Regex.Replace(help, @"\s+", " ");
        foreach (string name in NetworkOptions.Names.Concat(LossWeighting.Names))
            Assert.That(flat, Does.Contain(name), $"{command}'s help lists {name}");
    }

    [Test]
    public void ASettingOfAnotherArchitecture_IsOneLineNamingWhoseItIs()
    {
        var recipe = new TrainerRecipe("SharedBottom", "fixed", SettingValues.None.With(TrainerSettings.Find("experts")!, 4));
        Assert.That(() => recipe.CheckValuesApply(), Throws.ArgumentException.With.Message.EqualTo("--experts is a setting of MMoE, OMoE, not of --architecture SharedBottom."));
        var temperature = new TrainerRecipe("MMoE", "fixed", SettingValues.None.With(TrainerSettings.Find("dwa-temperature")!, 3f));
        Assert.That(() => temperature.CheckValuesApply(), Throws.ArgumentException.With.Message.Contains("--dwa-temperature is a setting of --weighting dwa"));
    }

    [Test]
    public void ARecipe_LeavesItsTemplateAlone_AndSetsEachPartsOwnSetting()
    {
        var template = new MultiTaskNetworkTrainerOptions { Training = new() { Epochs = 7 } };
        var values = SettingValues.None.With(TrainerSettings.Find("warmup-steps")!, 5).With(TrainerSettings.Find("experts")!, 3)
            .With(TrainerSettings.Find("dwa-temperature")!, 4f).With(TrainerSettings.Find("memory-limit")!, 100);
        var options = new TrainerRecipe("MMoE", "dwa", values).ApplyTo(template);
        Assert.That(((MmoeOptions)options.Network).ExpertCount, Is.EqualTo(3));
        Assert.That(options.Training.Schedule.WarmupSteps, Is.EqualTo(5));
        Assert.That(options.Training.Epochs, Is.EqualTo(7), "the template's own value is kept");
        Assert.That(((DynamicWeightAverage)options.Training.Weighting).Temperature, Is.EqualTo(4f));
        Assert.That(options.MemoryLimitMegabytes, Is.EqualTo(100));
        Assert.That(template.Training.Schedule.WarmupSteps, Is.Zero, "the template's schedule is not the copy's");
        Assert.That(template.Network, Is.TypeOf<SharedBottomOptions>());
        Assert.That(template.MemoryLimitMegabytes, Is.Null);
    }
}
