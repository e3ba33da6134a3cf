using MlNetMtl.Data;

namespace MlNetMtl.Networks;

/// <summary>
/// PLE (see <see cref="PleOptions"/>). Level k reads, for each task, the previous level's task output (the input x
/// on the first level) with that task's experts and gate, and the previous shared output with the shared experts
/// and shared gate; the towers read the last level's task outputs.
/// </summary>
public sealed class PleNetwork : MixtureOfExpertsNetwork
{
    internal PleNetwork(int inputDimension, IReadOnlyList<TaskDefinition> tasks, PleOptions options) : base(inputDimension, tasks, options, options.TowerWidths) { }

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
            yield return new ExtractionLevel(inputWidths, experts, gates, options.ExpertWidths);
        }
    }

    private protected override int TowerInput(int task) => task;
}
