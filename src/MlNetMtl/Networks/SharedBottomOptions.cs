using MlNetMtl.Data;

namespace MlNetMtl.Networks;

/// <summary>Shared-bottom: a shared ReLU MLP, then one tower MLP per task ending in one linear output.</summary>
public sealed class SharedBottomOptions : NetworkOptions
{
    internal const string Name = "SharedBottom";

    /// <summary>Widths of the shared bottom's ReLU layers, first to last. Must not be empty. Default [256, 128].</summary>
    public int[] BottomWidths { get; init; } = [256, 128];

    /// <summary>Widths of each tower's hidden ReLU layers; a final linear layer of width 1 follows. May be empty (a linear head). Default [64].</summary>
    public int[] TowerWidths { get; init; } = [64];

    internal override string Architecture => Name;

    internal override void Validate()
    {
        base.Validate();
        CheckWidths(BottomWidths, nameof(BottomWidths), allowEmpty: false);
        CheckWidths(TowerWidths, nameof(TowerWidths), allowEmpty: true);
    }

    internal override MultiTaskNetwork Build(int inputDimension, IReadOnlyList<TaskDefinition> tasks) => new SharedBottomNetwork(inputDimension, tasks, this);

    private protected override void WriteSizes(BinaryWriter writer)
    {
        WriteInts(writer, BottomWidths);
        WriteInts(writer, TowerWidths);
    }

    internal static SharedBottomOptions ReadSizes(BinaryReader reader, float dropout) =>
        new() { Dropout = dropout, BottomWidths = ReadInts(reader), TowerWidths = ReadInts(reader) };
}
