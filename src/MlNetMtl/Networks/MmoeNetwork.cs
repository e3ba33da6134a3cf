using MlNetMtl.Data;

namespace MlNetMtl.Networks;

/// <summary>
/// MMoE / OMoE (see <see cref="MmoeOptions"/>): task t's tower reads hₜ = Σₑ gₜₑ(x)·Eₑ(x), with
/// gₜ(x) = softmax(Wₜx + bₜ) over the experts (one gate shared by every task for OMoE).
/// </summary>
public sealed class MmoeNetwork : MixtureOfExpertsNetwork
{
    internal MmoeNetwork(int inputDimension, IReadOnlyList<TaskDefinition> tasks, MmoeOptions options) : base(inputDimension, tasks, options, options.TowerWidths) { }

    private MmoeOptions MmoeOptions => (MmoeOptions)Options;

    private protected override IEnumerable<ExtractionLevel> BuildLevels()
    {
        var options = MmoeOptions;
        var experts = Enumerable.Range(0, options.ExpertCount).Select(e => new ExtractionLevel.Expert($"expert.{e}", 0)).ToArray();
        int[] all = Enumerable.Range(0, options.ExpertCount).ToArray();
        var gates = options.SharedGate
            ? [new ExtractionLevel.Gate("gate.shared", 0, all)]
            : Tasks.Select(t => new ExtractionLevel.Gate($"gate.{t.Name}", 0, all)).ToArray();
        yield return new ExtractionLevel([InputDimension], experts, gates, options.ExpertWidths);
    }

    private protected override int TowerInput(int task) => MmoeOptions.SharedGate ? 0 : task;
}
