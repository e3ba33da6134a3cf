using MlNetMtl.Networks;
using MlNetMtl.Settings;
using MlNetMtl.Training.Weighting;

namespace MlNetMtl.MLNet;

/// <summary>
/// A trainer by names and values: an architecture, a loss weighting and the settings that differ from their defaults,
/// as the command line gives them and the experiment's search draws them.
/// </summary>
/// <param name="Architecture">The architecture's name (<see cref="NetworkOptions.Names"/>).</param>
/// <param name="Weighting">The loss weighting's name (<see cref="LossWeighting.Names"/>).</param>
/// <param name="Values">Settings of the architecture, the weighting, the training or the ML.NET options; the rest keep their defaults.</param>
public sealed record TrainerRecipe(string Architecture, string Weighting, SettingValues Values)
{
    /// <summary>A shared bottom, fixed weights, every setting at its default.</summary>
    public TrainerRecipe() : this("SharedBottom", "fixed", SettingValues.None) { }

    /// <summary>
    /// <paramref name="template"/> (its columns, tasks, transfer and callbacks) with this recipe's architecture, weighting
    /// and values; the template's other training options are kept where no value is given. The template is not changed.
    /// </summary>
    public MultiTaskNetworkTrainerOptions ApplyTo(MultiTaskNetworkTrainerOptions template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var options = Values.ApplyTo(template);
        options.Network = Values.ApplyTo(NetworkOptions.Create(Architecture));
        options.Training = Values.ApplyTo(template.Training) with { Weighting = Values.ApplyTo(LossWeighting.Create(Weighting)) };
        return options;
    }

    /// <summary>
    /// Throws when a value is of a setting that neither the architecture nor the weighting has (e.g. <c>--experts</c>
    /// for a shared bottom), naming the setting and the architectures or weightings that have it.
    /// </summary>
    public void CheckValuesApply()
    {
        var network = NetworkOptions.Create(Architecture).GetType();
        var weighting = LossWeighting.Create(Weighting).GetType();
        foreach (var (setting, _) in Values)
        {
            if (TrainerSettings.IsNetworkSetting(setting) && !setting.AppliesTo(network))
                throw new ArgumentException($"--{setting.Flag} is a setting of {string.Join(", ", TrainerSettings.ArchitecturesWith(setting))}, not of --architecture {Architecture}.");
            if (TrainerSettings.IsWeightingSetting(setting) && !setting.AppliesTo(weighting))
                throw new ArgumentException($"--{setting.Flag} is a setting of --weighting {string.Join(", ", TrainerSettings.WeightingsWith(setting))}, not of --weighting {Weighting}.");
        }
    }

    /// <summary>
    /// This recipe without the values that change nothing: values of settings the architecture and weighting do not
    /// have, and values equal to the default of the part that owns them; the rest in declaration order.
    /// </summary>
    public TrainerRecipe Effective()
    {
        object[] parts = [NetworkOptions.Create(Architecture), LossWeighting.Create(Weighting), new Training.TrainerOptions(), new MultiTaskNetworkTrainerOptions()];
        var values = SettingValues.None;
        foreach (var setting in TrainerSettings.All)
            if (Values.TryGet(setting, out var value) && parts.FirstOrDefault(p => setting.AppliesTo(p.GetType())) is { } owner && !Setting.Same(setting.Get(owner), value))
                values = values.With(setting, value);
        return this with { Values = values };
    }

    /// <summary>
    /// One line: the architecture and its values, the weighting and its values, then the other values, e.g.
    /// <c>MMoE experts 4, expert-widths 128,64; fixed; learning-rate 0.001, dropout 0.2</c>.
    /// </summary>
    public override string ToString()
    {
        var effective = Effective();
        string architecture = effective.Architecture, weighting = effective.Weighting;
        var values = effective.Values;
        static string Join(IEnumerable<KeyValuePair<Setting, object?>> values) => string.Concat(values.Select(v => $" {v.Key.Flag} {Setting.Format(v.Value)},")).TrimEnd(',');
        var networkValues = values.Where(v => TrainerSettings.IsNetworkSetting(v.Key));
        var weightingValues = values.Where(v => TrainerSettings.IsWeightingSetting(v.Key));
        var other = values.Where(v => !TrainerSettings.IsNetworkSetting(v.Key) && !TrainerSettings.IsWeightingSetting(v.Key)).ToArray();
        return $"{architecture}{Join(networkValues)}; {weighting}{Join(weightingValues)}" + (other.Length > 0 ? ";" + Join(other) : "");
    }

    /// <summary>Equal recipes train the same model: the same names (any case) and the same <see cref="Effective"/> values, in any order.</summary>
    public bool Equals(TrainerRecipe? other) => other is not null && Key == other.Key;

    /// <inheritdoc/>
    public override int GetHashCode() => Key.GetHashCode(StringComparison.Ordinal);

    private string Key => $"{Architecture.ToLowerInvariant()}|{Weighting.ToLowerInvariant()}|" +
        string.Join(" ", Effective().Values.Select(v => $"{v.Key.Flag}={Setting.Format(v.Value)}"));
}
