using MlNetMtl.Data;

namespace MlNetMtl.Training.Weighting;

/// <summary>
/// A loss-weighting strategy: how the tasks' losses are combined into the training objective, step by step.
/// Strategies are orthogonal to architectures (as in LibMTL): the network only sees the per-task multipliers,
/// applied on top of each task's fixed <see cref="TaskDefinition.LossWeight"/>. Choose one by name with
/// <see cref="Create"/> or construct it with its parameters.
/// </summary>
public abstract class LossWeighting
{
    private protected LossWeighting() { }

    /// <summary>The strategy's name as <see cref="Create"/> accepts it.</summary>
    public abstract string Name { get; }

    /// <summary>The names <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["fixed", "uncertainty", "dwa", "rlw", "validation", "gradnorm", "pcgrad", "mgda", "cagrad"];

    /// <summary>The strategy called <paramref name="name"/> (case-insensitive) with its default parameters.</summary>
    /// <exception cref="ArgumentException">No strategy has that name (the known names are listed).</exception>
    public static LossWeighting Create(string name) => (name ?? throw new ArgumentNullException(nameof(name))).ToLowerInvariant() switch
    {
        "fixed" => new FixedWeighting(),
        "uncertainty" => new UncertaintyWeighting(),
        "dwa" => new DynamicWeightAverage(),
        "rlw" => new RandomLossWeighting(),
        "validation" => new ValidationDrivenWeighting(),
        "gradnorm" => new GradNorm(),
        "pcgrad" => new PCGrad(),
        "mgda" => new Mgda(),
        "cagrad" => new CAGrad(),
        _ => throw new ArgumentException($"Unknown loss weighting '{name}'; choose one of {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>Throws when a parameter is out of range, naming it.</summary>
    internal virtual void Validate() { }

    /// <summary>A fresh state for one training run over <paramref name="tasks"/>.</summary>
    internal abstract WeightingState Start(IReadOnlyList<TaskDefinition> tasks, TrainerOptions training);
}

/// <summary>
/// The mutable side of a strategy during one run: the current multiplier of each task's loss, updated at epoch
/// and batch boundaries, and (for learned weights) from the batch's losses.
/// </summary>
internal abstract class WeightingState(int tasks)
{
    /// <summary>Multiplier of each task's loss for the next mini-batch.</summary>
    public float[] Weights { get; } = Enumerable.Repeat(1f, tasks).ToArray();

    /// <summary>Called before epoch <paramref name="epoch"/> (1-based) with the reports of the epochs before it.</summary>
    public virtual void BeginEpoch(int epoch, IReadOnlyList<EpochReport> history) { }

    /// <summary>Called before each mini-batch.</summary>
    public virtual void BeginBatch(Random random) { }

    /// <summary>Called after each mini-batch's forward pass with each task's mean loss on it (NaN for a task without labelled rows).</summary>
    public virtual void AfterBatch(ReadOnlySpan<double> meanLosses) { }
}
