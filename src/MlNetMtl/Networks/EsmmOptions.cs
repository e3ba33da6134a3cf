using MlNetMtl.Data;

namespace MlNetMtl.Networks;

/// <summary>
/// Entire-space multi-task model (ESMM, Ma et al. SIGIR 2018) for a click → conversion chain of exactly two binary
/// tasks: task 0 is the click (CTR), task 1 the click-and-convert (CTCVR). A shared MLP feeds a CTR tower and a CVR
/// tower; task 1's output is logit(pCTR · pCVR), so both losses are taken over every impression and the CVR tower
/// never needs a conversion label on rows without a click. pCVR is given as an auxiliary output.
/// </summary>
/// <remarks>
/// Task 1's labels may be the click-and-convert label over all rows, or a conversion label present only on clicked
/// rows (missing elsewhere, with the task masking missing labels): rows without a click get the CTCVR label 0.
/// </remarks>
public sealed class EsmmOptions : BottomOptions
{
    internal const string SavedName = "ESMM";

    internal override string Architecture => SavedName;

    internal override IReadOnlyList<AuxiliaryOutput> AuxiliaryOutputs(IReadOnlyList<TaskDefinition> tasks)
    {
        ValidateTasks(tasks);
        return [new AuxiliaryOutput(1, "ConversionProbability")];
    }

    /// <summary>CTCVR label of a row without a click is 0, whatever its conversion label says (or lacks).</summary>
    internal override MultiTaskDataset PrepareData(MultiTaskDataset data)
    {
        ValidateTasks(data.Tasks);
        var clicks = data.Labels[0];
        var ctcvr = data.Labels[1].Select((label, row) => clicks[row] == 0f ? 0f : label).ToArray();
        return new MultiTaskDataset(data.Features, data.Tasks, [clicks, ctcvr], data.RowWeights, data.TaskWeights);
    }

    internal override MultiTaskNetwork Build(int inputDimension, IReadOnlyList<TaskDefinition> tasks)
    {
        ValidateTasks(tasks);
        return new EsmmNetwork(inputDimension, tasks, this);
    }

    internal override void ValidateTasks(IReadOnlyList<TaskDefinition> tasks)
    {
        if (tasks.Count != 2 || tasks.Any(t => t.Kind != TaskKind.Binary))
            throw new ArgumentException($"ESMM needs exactly two binary tasks, click (CTR) then click-and-convert (CTCVR); got {string.Join(", ", tasks.Select(t => $"{t.Name} ({t.Kind})"))}.", nameof(tasks));
    }

    internal override NetworkOptions ReadSizes(BinaryReader reader, float dropout) =>
        new EsmmOptions { Dropout = dropout, BottomWidths = ReadInts(reader), TowerWidths = ReadInts(reader) };

    /// <summary>The search tries ESMM for a funnel of exactly two tasks (click, then conversion).</summary>
    internal override bool SearchedFor(int tasks, bool chain) => chain && tasks == 2;

    /// <summary>ESMM's CTCVR product relates the tasks itself: the search weights its losses fixed or by uncertainty only.</summary>
    internal override IReadOnlyList<string>? SearchedWeightings => ["fixed", "uncertainty"];

    internal override NetworkOptions SingleTaskCounterpart => SharedBottomOfTheSameSizes;
}
