using MlNetMtl.Data;
using MlNetMtl.Settings;

namespace MlNetMtl.Networks;

/// <summary>
/// Adaptive information transfer multi-task framework (AITM, Xi et al. KDD 2021) for sequentially dependent binary
/// tasks (impression → click → purchase …), in task order. Each task encodes the shared representation with its own
/// tower; from the second task on, an AIT module attends over the information transferred from the previous task
/// and the task's own representation. The behavioural-expectation calibrator adds
/// α · mean over rows of Σₜ max(pₜ − pₜ₋₁, 0): a later step should not be likelier than an earlier one.
/// </summary>
public sealed class AitmOptions : BottomOptions
{
    internal const string SavedName = "AITM";

    /// <summary>Options with AITM's default encoders: <see cref="NetworkOptions.TowerWidths"/> [64, 32], whose last width is the one the AIT module attends in.</summary>
    public AitmOptions() => TowerWidths = [64, 32];

    /// <summary>Weight α of AITM's calibrator loss, which keeps a later funnel step no likelier than an earlier one. Default 0.6 (the paper's).</summary>
    [Setting("calibrator-weight", NotSearched = "the paper's value; the search compares AITM with the other architectures")]
    public float CalibratorWeight { get; init; } = 0.6f;

    internal override string Architecture => SavedName;

    private protected override bool TowersMayBeEmpty => false;

    internal override void Validate()
    {
        base.Validate();
        if (!(CalibratorWeight >= 0 && float.IsFinite(CalibratorWeight)))
            throw new ArgumentOutOfRangeException(nameof(CalibratorWeight), CalibratorWeight, "CalibratorWeight must be finite and ≥ 0.");
    }

    internal override void ValidateTasks(IReadOnlyList<TaskDefinition> tasks)
    {
        if (tasks.Count < 2 || tasks.Any(t => t.Kind != TaskKind.Binary))
            throw new ArgumentException($"AITM needs two or more binary tasks in funnel order; got {string.Join(", ", tasks.Select(t => $"{t.Name} ({t.Kind})"))}.", nameof(tasks));
    }

    internal override MultiTaskNetwork Build(int inputDimension, IReadOnlyList<TaskDefinition> tasks)
    {
        ValidateTasks(tasks);
        return new AitmNetwork(inputDimension, tasks, this);
    }

    private protected override void WriteMoreSizes(BinaryWriter writer) => writer.Write(CalibratorWeight);

    internal override NetworkOptions ReadSizes(BinaryReader reader, float dropout) =>
        new AitmOptions { Dropout = dropout, BottomWidths = ReadInts(reader), TowerWidths = ReadInts(reader), CalibratorWeight = reader.ReadSingle() };

    /// <summary>The search tries AITM for tasks in funnel order.</summary>
    internal override bool SearchedFor(int tasks, bool chain) => chain && tasks >= 2;

    /// <summary>AITM's calibrator relates the tasks itself: the search weights its losses fixed or by uncertainty only.</summary>
    internal override IReadOnlyList<string>? SearchedWeightings => ["fixed", "uncertainty"];

    internal override NetworkOptions SingleTaskCounterpart => SharedBottomOfTheSameSizes;
}
