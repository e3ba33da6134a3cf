using MlNetMtl.Data;
using MlNetMtl.Settings;

namespace MlNetMtl.Networks.Architectures;

/// <summary>
/// Multi-gate mixture of experts (MMoE, Ma et al. KDD 2018): n expert MLPs read the input; each task mixes their
/// outputs with its own softmax gate (a linear layer of the input) and feeds the mixture to its tower. With
/// <see cref="SharedGate"/>, one gate serves every task: the one-gate OMoE baseline of the same paper (<see cref="OmoeOptions"/>).
/// </summary>
public class MmoeOptions : ExpertOptions
{
    internal const string SavedName = "MMoE";

    /// <summary>Number of experts. Default 8.</summary>
    [Setting("experts", Search = ["2", "4", "6", "8"])]
    public int ExpertCount { get; init; } = 8;

    /// <summary>True: one gate shared by all tasks (OMoE). Default false (one gate per task, MMoE).</summary>
    [NotASetting("it makes the architecture OMoE: --architecture OMoE")]
    public bool SharedGate { get; init; }

    /// <inheritdoc/>
    public override string Name => SharedGate ? OmoeOptions.ArchitectureName : SavedName;

    internal override string Architecture => SavedName;

    internal override void Validate()
    {
        base.Validate();
        if (ExpertCount is < 1 or > 1024)
            throw new ArgumentOutOfRangeException(nameof(ExpertCount), ExpertCount, "ExpertCount must be between 1 and 1024.");
    }

    internal override MultiTaskNetwork Build(int inputDimension, IReadOnlyList<Data.TaskDefinition> tasks) => new MmoeNetwork(inputDimension, tasks, this);

    private protected override void WriteSizes(BinaryWriter writer)
    {
        writer.Write(ExpertCount);
        WriteInts(writer, ExpertWidths);
        WriteInts(writer, TowerWidths);
        writer.Write(SharedGate);
    }

    internal override NetworkOptions ReadSizes(BinaryReader reader, float dropout)
    {
        int experts = reader.ReadInt32();
        var expertWidths = ReadInts(reader);
        var towerWidths = ReadInts(reader);
        return reader.ReadBoolean()
            ? new OmoeOptions { Dropout = dropout, ExpertCount = experts, ExpertWidths = expertWidths, TowerWidths = towerWidths }
            : new MmoeOptions { Dropout = dropout, ExpertCount = experts, ExpertWidths = expertWidths, TowerWidths = towerWidths };
    }
}

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
