using MlNetMtl.Data;
using MlNetMtl.Networks.Domains;
using MlNetMtl.Settings;

namespace MlNetMtl.Networks.Architectures;

/// <summary>
/// Options of the one-level mixtures of experts of Ma et al. (KDD 2018): n expert MLPs read the input and softmax
/// gates (linear layers of the input) mix their outputs for the towers — one gate per task (<see cref="MmoeOptions"/>)
/// or one for all (<see cref="OmoeOptions"/>). Both are saved as MMoE with a shared-gate flag.
/// </summary>
public abstract class GateMixtureOptions : ExpertOptions
{
    private protected GateMixtureOptions() { }

    internal const string SavedName = "MMoE";

    /// <summary>Number of experts. Default 8.</summary>
    [Setting("experts", Search = ["2", "4", "6", "8"])]
    public int ExpertCount { get; init; } = 8;

    /// <summary>Whether one gate serves every task (OMoE) rather than one gate per task (MMoE).</summary>
    internal abstract bool SharedGate { get; }

    internal override string Architecture => SavedName;

    internal override void Validate()
    {
        base.Validate();
        if (ExpertCount is < 1 or > 1024)
            throw new ArgumentOutOfRangeException(nameof(ExpertCount), ExpertCount, "ExpertCount must be between 1 and 1024.");
    }

    internal override MultiTaskNetwork Build(int inputDimension, IReadOnlyList<TaskDefinition> tasks, DomainLayout? domains) => new MmoeNetwork(inputDimension, tasks, this, domains);

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

/// <summary>Multi-gate mixture of experts (MMoE, Ma et al. KDD 2018): each task mixes the experts with its own softmax gate.</summary>
public sealed class MmoeOptions : GateMixtureOptions
{
    /// <inheritdoc/>
    public override string Name => SavedName;

    internal override bool SharedGate => false;
}

/// <summary>
/// MMoE / OMoE (see <see cref="GateMixtureOptions"/>): task t's tower reads hₜ = Σₑ gₜₑ(x)·Eₑ(x), with
/// gₜ(x) = softmax(Wₜx + bₜ) over the experts (one gate shared by every task for OMoE).
/// </summary>
internal sealed class MmoeNetwork : MixtureOfExpertsNetwork
{
    internal MmoeNetwork(int inputDimension, IReadOnlyList<TaskDefinition> tasks, GateMixtureOptions options, DomainLayout? domains) : base(inputDimension, tasks, options, options.TowerWidths, domains) { }

    private GateMixtureOptions MixtureOptions => (GateMixtureOptions)Options;

    private protected override IEnumerable<ExtractionLevel> BuildLevels()
    {
        var options = MixtureOptions;
        var experts = Enumerable.Range(0, options.ExpertCount).Select(e => new ExtractionLevel.Expert($"expert.{e}", 0)).ToArray();
        int[] all = Enumerable.Range(0, options.ExpertCount).ToArray();
        var gates = options.SharedGate
            ? [new ExtractionLevel.Gate("gate.shared", 0, all)]
            : Tasks.Select(t => new ExtractionLevel.Gate($"gate.{t.Name}", 0, all)).ToArray();
        yield return new ExtractionLevel([InputDimension], experts, gates, options.ExpertWidths, Domains?.Count ?? 0);
    }

    private protected override int TowerInput(int task) => MixtureOptions.SharedGate ? 0 : task;
}
