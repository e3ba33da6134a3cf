using MlNetMtl.Networks;
using MlNetMtl.Settings;
using MlNetMtl.Training;
using MlNetMtl.Training.Weighting;

namespace MlNetMtl.MLNet;

/// <summary>
/// Every setting of the multi-task trainer, gathered from the declarations of the parts that own them: the ML.NET
/// options', the training's, each architecture's and each loss weighting's. The command line, the experiment's search and
/// the code generator list settings here, so a new setting (or a new architecture or weighting with settings) reaches
/// them all without being written again.
/// </summary>
public static class TrainerSettings
{
    private static readonly Lazy<Setting[]> AllSettings = new(() =>
        NetworkOptions.Types.SelectMany(Setting.Of)
            .Concat(Setting.Of(typeof(TrainerOptions)))
            .Concat(LossWeighting.Types.SelectMany(Setting.Of))
            .Concat(Setting.Of(typeof(MultiTaskNetworkTrainerOptions)))
            .DistinctBy(s => s.Flag)
            .ToArray());

    /// <summary>Every setting, once each: the architectures' first, then the training's, the weightings' and ML.NET's.</summary>
    public static IReadOnlyList<Setting> All => AllSettings.Value;

    /// <summary>The setting whose command-line name is <paramref name="flag"/> (without dashes), or null.</summary>
    public static Setting? Find(string flag) => All.FirstOrDefault(s => s.Flag == flag);

    /// <summary>The architectures that have <paramref name="setting"/> (every one for a setting of all networks; none for other settings).</summary>
    public static IReadOnlyList<string> ArchitecturesWith(Setting setting) =>
        NetworkOptions.Names.Where((_, i) => setting.AppliesTo(NetworkOptions.Types[i])).ToArray();

    /// <summary>The loss weightings that have <paramref name="setting"/>.</summary>
    public static IReadOnlyList<string> WeightingsWith(Setting setting) =>
        LossWeighting.Names.Where((_, i) => setting.AppliesTo(LossWeighting.Types[i])).ToArray();

    /// <summary>Whether <paramref name="setting"/> belongs to a network's options.</summary>
    public static bool IsNetworkSetting(Setting setting) => typeof(NetworkOptions).IsAssignableFrom(setting.Owner);

    /// <summary>Whether <paramref name="setting"/> belongs to a loss weighting.</summary>
    public static bool IsWeightingSetting(Setting setting) => typeof(LossWeighting).IsAssignableFrom(setting.Owner);
}
