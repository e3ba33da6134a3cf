using MlNetMtl.Data;

namespace MlNetMtl.Networks;

/// <summary>Shared-bottom: a shared ReLU MLP, then one tower MLP per task ending in one linear output.</summary>
public sealed class SharedBottomOptions : BottomOptions
{
    internal const string SavedName = "SharedBottom";

    internal override string Architecture => SavedName;

    internal override MultiTaskNetwork Build(int inputDimension, IReadOnlyList<TaskDefinition> tasks) => new SharedBottomNetwork(inputDimension, tasks, this);

    internal override NetworkOptions ReadSizes(BinaryReader reader, float dropout) =>
        new SharedBottomOptions { Dropout = dropout, BottomWidths = ReadInts(reader), TowerWidths = ReadInts(reader) };
}
