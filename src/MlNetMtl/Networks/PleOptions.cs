using MlNetMtl.Data;

namespace MlNetMtl.Networks;

/// <summary>
/// Progressive layered extraction (PLE, Tang et al. RecSys 2020): <see cref="Levels"/> extraction levels, each with
/// experts of every task and shared experts. A task's gate mixes its own and the shared experts; on inner levels a
/// shared gate mixes all of them for the next level's shared experts. One level is CGC (customized gate control).
/// </summary>
public sealed class PleOptions : NetworkOptions
{
    internal const string Name = "PLE";

    /// <summary>Extraction levels; 1 is CGC. Default 2.</summary>
    public int Levels { get; init; } = 2;

    /// <summary>Shared experts per level. Default 2.</summary>
    public int SharedExperts { get; init; } = 2;

    /// <summary>Task-specific experts per task per level. Default 2.</summary>
    public int TaskExperts { get; init; } = 2;

    /// <summary>Widths of each expert's ReLU layers; the last is the width the gates mix. Default [64].</summary>
    public int[] ExpertWidths { get; init; } = [64];

    /// <summary>Widths of each tower's hidden ReLU layers; a final linear layer of width 1 follows. Default [32].</summary>
    public int[] TowerWidths { get; init; } = [32];

    internal override string Architecture => Name;

    internal override void Validate()
    {
        base.Validate();
        if (Levels is < 1 or > 16)
            throw new ArgumentOutOfRangeException(nameof(Levels), Levels, "Levels must be between 1 and 16.");
        if (SharedExperts is < 0 or > 256)
            throw new ArgumentOutOfRangeException(nameof(SharedExperts), SharedExperts, "SharedExperts must be between 0 and 256.");
        if (TaskExperts is < 0 or > 256)
            throw new ArgumentOutOfRangeException(nameof(TaskExperts), TaskExperts, "TaskExperts must be between 0 and 256.");
        if (SharedExperts + TaskExperts == 0)
            throw new ArgumentException("PLE needs at least one expert: SharedExperts and TaskExperts are both 0.", nameof(SharedExperts));
        CheckWidths(ExpertWidths, nameof(ExpertWidths), allowEmpty: false);
        CheckWidths(TowerWidths, nameof(TowerWidths), allowEmpty: true);
    }

    internal override MultiTaskNetwork Build(int inputDimension, IReadOnlyList<TaskDefinition> tasks) => new PleNetwork(inputDimension, tasks, this);

    private protected override void WriteSizes(BinaryWriter writer)
    {
        writer.Write(Levels);
        writer.Write(SharedExperts);
        writer.Write(TaskExperts);
        WriteInts(writer, ExpertWidths);
        WriteInts(writer, TowerWidths);
    }

    internal static PleOptions ReadSizes(BinaryReader reader, float dropout) => new()
    {
        Dropout = dropout,
        Levels = reader.ReadInt32(),
        SharedExperts = reader.ReadInt32(),
        TaskExperts = reader.ReadInt32(),
        ExpertWidths = ReadInts(reader),
        TowerWidths = ReadInts(reader),
    };
}
