using MlNetMtl.Data;
using MlNetMtl.Training.Checkpoints;

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

    /// <summary>The names <see cref="Create"/> accepts: every weighting of this library, found by reflection (adding one is adding its file).</summary>
    public static IReadOnlyList<string> Names => Prototypes.Value.Select(p => p.Name).ToArray();

    /// <summary>The weighting types, in the order of <see cref="Names"/>.</summary>
    public static IReadOnlyList<Type> Types => Prototypes.Value.Select(p => p.GetType()).ToArray();

    /// <summary>The classic weightings first, in this order; others follow by name.</summary>
    private static readonly string[] Order = ["fixed", "uncertainty", "dwa", "rlw", "validation", "gradnorm", "pcgrad", "mgda", "cagrad"];

    private static readonly Lazy<LossWeighting[]> Prototypes = new(() => typeof(LossWeighting).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(LossWeighting)) && !t.IsAbstract && t.GetConstructor(Type.EmptyTypes) is not null)
        .Select(t => (LossWeighting)Activator.CreateInstance(t)!)
        .OrderBy(w => Array.IndexOf(Order, w.Name) is var i and >= 0 ? i : int.MaxValue).ThenBy(w => w.Name, StringComparer.Ordinal)
        .ToArray());

    /// <summary>The strategy called <paramref name="name"/> (case-insensitive) with its default parameters.</summary>
    /// <exception cref="ArgumentException">No strategy has that name (the known names are listed).</exception>
    public static LossWeighting Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var prototype = Prototypes.Value.FirstOrDefault(p => p.Name.Equals(name.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Unknown loss weighting '{name}'; choose one of {string.Join(", ", Names)}.", nameof(name));
        return (LossWeighting)Activator.CreateInstance(prototype.GetType())!;
    }

    /// <summary>Why the experiment's search keeps weightings' own parameters at their defaults.</summary>
    private protected const string NotSearchedReason = "the search varies the weighting; its parameters keep the values of its paper";

    /// <summary>Whether the experiment's search tries this weighting. Default true.</summary>
    internal virtual bool Searched => true;

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

    /// <summary>Writes what the weighting has learned or remembers (the multipliers, and a learned weighting's own state) to a checkpoint.</summary>
    public virtual void Write(BinaryWriter writer) => writer.WriteFloats(Weights);

    /// <summary>Continues from what <see cref="Write"/> wrote.</summary>
    /// <exception cref="InvalidDataException">The state is of another run.</exception>
    public virtual void Read(BinaryReader reader) => reader.ReadFloats(Weights, "the task weights");
}
