using MlNetMtl.Data;
using MlNetMtl.Networks.Domains;
using MlNetMtl.Settings;

namespace MlNetMtl.Networks.Architectures;

/// <summary>
/// Progressive layered extraction (PLE, Tang et al. RecSys 2020): <see cref="Levels"/> extraction levels, each with
/// experts of every task and shared experts. A task's gate mixes its own and the shared experts; on inner levels a
/// shared gate mixes all of them for the next level's shared experts. One level is CGC (customized gate control).
/// </summary>
public sealed class PleOptions : ExpertOptions
{
    internal const string SavedName = "PLE";

    /// <summary>Extraction levels (1 is CGC). Default 2.</summary>
    [Setting("levels", Search = ["1", "2"])]
    public int Levels { get; init; } = 2;

    /// <summary>Shared experts per level. Default 2.</summary>
    [Setting("shared-experts", Search = ["1", "2", "3"])]
    public int SharedExperts { get; init; } = 2;

    /// <summary>Experts of each task per level. Default 2.</summary>
    [Setting("task-experts", Search = ["1", "2", "3"])]
    public int TaskExperts { get; init; } = 2;

    internal override string Architecture => SavedName;

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
    }

    internal override MultiTaskNetwork Build(int inputDimension, IReadOnlyList<TaskDefinition> tasks, DomainLayout? domains) => new PleNetwork(inputDimension, tasks, this, domains);

    private protected override void WriteSizes(BinaryWriter writer)
    {
        writer.Write(Levels);
        writer.Write(SharedExperts);
        writer.Write(TaskExperts);
        WriteInts(writer, ExpertWidths);
        WriteInts(writer, TowerWidths);
    }

    internal override NetworkOptions ReadSizes(BinaryReader reader, float dropout) => new PleOptions
    {
        Dropout = dropout,
        Levels = reader.ReadInt32(),
        SharedExperts = reader.ReadInt32(),
        TaskExperts = reader.ReadInt32(),
        ExpertWidths = ReadInts(reader),
        TowerWidths = ReadInts(reader),
    };
}

/// <summary>
/// PLE (see <see cref="PleOptions"/>). Level k reads, for each task, the previous level's task output (the input x
/// on the first level) with that task's experts and gate, and the previous shared output with the shared experts
/// and shared gate; the towers read the last level's task outputs.
/// </summary>
internal sealed class PleNetwork : MixtureOfExpertsNetwork
{
    internal PleNetwork(int inputDimension, IReadOnlyList<TaskDefinition> tasks, PleOptions options, DomainLayout? domains) : base(inputDimension, tasks, options, options.TowerWidths, domains) { }

    private protected override IEnumerable<ExtractionLevel> BuildLevels()
    {
        var options = (PleOptions)Options;
        int tasks = Tasks.Count, specific = options.TaskExperts, shared = options.SharedExperts;
        for (int level = 0; level < options.Levels; level++)
        {
            bool first = level == 0, last = level == options.Levels - 1;
            // Inputs: the network input on the first level; else [task 0 … task T−1, shared] outputs of the level before.
            int TaskInput(int t) => first ? 0 : t;
            int SharedInput = first ? 0 : tasks;
            var experts = new List<ExtractionLevel.Expert>();
            for (int t = 0; t < tasks; t++)
                for (int j = 0; j < specific; j++)
                    experts.Add(new ExtractionLevel.Expert($"level{level}.{Tasks[t].Name}.expert{j}", TaskInput(t)));
            for (int j = 0; j < shared; j++)
                experts.Add(new ExtractionLevel.Expert($"level{level}.shared.expert{j}", SharedInput));

            int[] sharedExperts = Enumerable.Range(tasks * specific, shared).ToArray();
            var gates = Enumerable.Range(0, tasks)
                .Select(t => new ExtractionLevel.Gate($"level{level}.gate.{Tasks[t].Name}", TaskInput(t), [.. Enumerable.Range(t * specific, specific), .. sharedExperts]))
                .ToList();
            if (!last)
                gates.Add(new ExtractionLevel.Gate($"level{level}.gate.shared", SharedInput, Enumerable.Range(0, experts.Count).ToArray()));
            int[] inputWidths = first ? [InputDimension] : Enumerable.Repeat(options.ExpertWidths[^1], tasks + 1).ToArray();
            yield return new ExtractionLevel(inputWidths, experts, gates, options.ExpertWidths, Domains?.Count ?? 0);
        }
    }

    private protected override int TowerInput(int task) => task;
}
