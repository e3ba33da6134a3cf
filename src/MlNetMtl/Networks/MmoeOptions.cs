using MlNetMtl.Data;

namespace MlNetMtl.Networks;

/// <summary>
/// Multi-gate mixture of experts (MMoE, Ma et al. KDD 2018): n expert MLPs read the input; each task mixes their
/// outputs with its own softmax gate (a linear layer of the input) and feeds the mixture to its tower. With
/// <see cref="SharedGate"/>, one gate serves every task: the one-gate OMoE baseline of the same paper.
/// </summary>
public sealed class MmoeOptions : NetworkOptions
{
    internal const string Name = "MMoE";

    /// <summary>Number of experts. Default 8.</summary>
    public int ExpertCount { get; init; } = 8;

    /// <summary>Widths of each expert's ReLU layers; the last is the width the gates mix. Default [64].</summary>
    public int[] ExpertWidths { get; init; } = [64];

    /// <summary>Widths of each tower's hidden ReLU layers; a final linear layer of width 1 follows. Default [32].</summary>
    public int[] TowerWidths { get; init; } = [32];

    /// <summary>True: one gate shared by all tasks (OMoE). Default false (one gate per task, MMoE).</summary>
    public bool SharedGate { get; init; }

    internal override string Architecture => Name;

    internal override void Validate()
    {
        base.Validate();
        if (ExpertCount is < 1 or > 1024)
            throw new ArgumentOutOfRangeException(nameof(ExpertCount), ExpertCount, "ExpertCount must be between 1 and 1024.");
        CheckWidths(ExpertWidths, nameof(ExpertWidths), allowEmpty: false);
        CheckWidths(TowerWidths, nameof(TowerWidths), allowEmpty: true);
    }

    internal override MultiTaskNetwork Build(int inputDimension, IReadOnlyList<TaskDefinition> tasks) => new MmoeNetwork(inputDimension, tasks, this);

    private protected override void WriteSizes(BinaryWriter writer)
    {
        writer.Write(ExpertCount);
        WriteInts(writer, ExpertWidths);
        WriteInts(writer, TowerWidths);
        writer.Write(SharedGate);
    }

    internal static MmoeOptions ReadSizes(BinaryReader reader, float dropout) => new()
    {
        Dropout = dropout,
        ExpertCount = reader.ReadInt32(),
        ExpertWidths = ReadInts(reader),
        TowerWidths = ReadInts(reader),
        SharedGate = reader.ReadBoolean(),
    };
}
