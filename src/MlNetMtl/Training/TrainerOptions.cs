using MlNetMtl.Networks;

namespace MlNetMtl.Training;

/// <summary>How a multi-task network is trained. Every property has a documented default.</summary>
public sealed class TrainerOptions
{
    /// <summary>Maximum passes over the training rows. Default 20.</summary>
    public int Epochs { get; init; } = 20;

    /// <summary>Rows per mini-batch. Default 256.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>The optimizer. Default <see cref="OptimizerKind.Adam"/>.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>Step size. Default 1e-3 (suits Adam; SGD usually wants 1e-2 to 1e-1).</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Adam's first-moment decay β₁. Default 0.9.</summary>
    public float Beta1 { get; init; } = 0.9f;

    /// <summary>Adam's second-moment decay β₂. Default 0.999.</summary>
    public float Beta2 { get; init; } = 0.999f;

    /// <summary>Adam's ε. Default 1e-8.</summary>
    public float Epsilon { get; init; } = 1e-8f;

    /// <summary>Momentum μ of <see cref="OptimizerKind.SgdMomentum"/>. Default 0.9.</summary>
    public float Momentum { get; init; } = 0.9f;

    /// <summary>
    /// L2 weight decay λ added to weight gradients (λ·w; biases are not decayed). With sparse input rows the
    /// first layer's rows are decayed only in the steps that touch them. Default 0.
    /// </summary>
    public float WeightDecay { get; init; }

    /// <summary>
    /// Fraction of the training rows held out (after a seeded shuffle) for validation and early stopping when no
    /// validation set is given; 0 trains on every row for all epochs. Default 0.1.
    /// </summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>
    /// Epochs without improvement of the mean validation loss before training stops; the best epoch's weights are
    /// restored at the end. 0 never stops early (the best weights are still restored). Default 3.
    /// </summary>
    public int EarlyStoppingPatience { get; init; } = 3;

    /// <summary>The learning rate over the run: warm-up and decay. Default constant.</summary>
    public LearningRateSchedule Schedule { get; init; } = new();

    /// <summary>Largest global L2 norm of the gradient per step; larger gradients are scaled down to it. 0 = no clipping. Default 0.</summary>
    public float GradientClipNorm { get; init; }

    /// <summary>
    /// The task whose validation metric drives early stopping and the choice of the best epoch — AUC for a binary
    /// task, RMSE for regression, loss for multiclass — or null for the loss-weighted mean validation loss. Default null.
    /// </summary>
    public string? EarlyStoppingTask { get; init; }

    /// <summary>
    /// A trained network to start from: each of its parameters initialises the parameter of the same name and shape
    /// (same architecture and input width). Its tasks may be a subset of this run's: a new task gets a fresh
    /// tower (and gate). Null trains from a seeded initialisation. Default null.
    /// </summary>
    public MultiTaskNetwork? WarmStart { get; init; }

    /// <summary>Pretrained vectors that initialise a block of the input layer's weight rows (after any warm start). Default none.</summary>
    public PretrainedVectors? Pretrained { get; init; }

    /// <summary>Which parameters stay fixed. Default <see cref="FreezeMode.None"/>.</summary>
    public FreezeMode Freeze { get; init; }

    /// <summary>Imbalance handling of binary tasks by task name: positive weight, focal loss, negative downsampling. Default none.</summary>
    public IReadOnlyDictionary<string, TaskImbalance> Imbalance { get; init; } = new Dictionary<string, TaskImbalance>();

    /// <summary>How the tasks' losses are weighted step by step (<see cref="Weighting.LossWeighting.Create"/> by name). Default fixed weights.</summary>
    public Weighting.LossWeighting Weighting { get; init; } = new Weighting.FixedWeighting();

    /// <summary>
    /// Threads that share each mini-batch (synchronous data parallelism: the batch is split into contiguous shards
    /// whose gradients are summed in a fixed order). A fixed seed gives the same weights run after run for a given
    /// thread count; different thread counts differ by float rounding (and by their dropout masks). Gradient-based
    /// weightings (gradnorm, pcgrad, mgda, cagrad) run on one thread. Default <see cref="Environment.ProcessorCount"/>.
    /// </summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>The most threads a run may use.</summary>
    public const int MaxThreads = 256;

    /// <summary>Seed of initialisation, shuffling, the validation split and dropout. Default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Throws when an option is out of range, naming it.</summary>
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Epochs, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize, nameof(BatchSize));
        if (Threads is < 1 or > MaxThreads)
            throw new ArgumentOutOfRangeException(nameof(Threads), Threads, $"Threads must be between 1 and {MaxThreads} (this machine has {Environment.ProcessorCount} processors).");
        RequireFinite(LearningRate > 0 && float.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "must be finite and > 0");
        RequireFinite(Beta1 >= 0 && Beta1 < 1, nameof(Beta1), Beta1, "must be in [0, 1)");
        RequireFinite(Beta2 >= 0 && Beta2 < 1, nameof(Beta2), Beta2, "must be in [0, 1)");
        RequireFinite(Epsilon > 0 && float.IsFinite(Epsilon), nameof(Epsilon), Epsilon, "must be finite and > 0");
        RequireFinite(Momentum >= 0 && Momentum < 1, nameof(Momentum), Momentum, "must be in [0, 1)");
        RequireFinite(WeightDecay >= 0 && float.IsFinite(WeightDecay), nameof(WeightDecay), WeightDecay, "must be finite and ≥ 0");
        RequireFinite(ValidationFraction >= 0 && ValidationFraction < 1, nameof(ValidationFraction), ValidationFraction, "must be in [0, 1)");
        ArgumentOutOfRangeException.ThrowIfNegative(EarlyStoppingPatience, nameof(EarlyStoppingPatience));
        ArgumentNullException.ThrowIfNull(Weighting, nameof(Weighting));
        ArgumentNullException.ThrowIfNull(Schedule, nameof(Schedule));
        ArgumentNullException.ThrowIfNull(Imbalance, nameof(Imbalance));
        if (!Enum.IsDefined(Freeze))
            throw new ArgumentOutOfRangeException(nameof(Freeze), Freeze, "Unknown freeze mode.");
        if (Freeze != FreezeMode.None && WarmStart is null)
            throw new ArgumentException($"Freeze = {Freeze} needs a WarmStart network: frozen layers would keep their random initialisation " +
                "(on the command line, --freeze needs --warm-start).", nameof(Freeze));
        foreach (var (task, imbalance) in Imbalance)
            imbalance.Validate(task);
        Schedule.Validate();
        RequireFinite(GradientClipNorm >= 0 && float.IsFinite(GradientClipNorm), nameof(GradientClipNorm), GradientClipNorm, "must be finite and ≥ 0");
        Weighting.Validate();
        if (!Enum.IsDefined(Optimizer))
            throw new ArgumentOutOfRangeException(nameof(Optimizer), Optimizer, "Unknown optimizer.");
    }

    private static void RequireFinite(bool valid, string name, double value, string rule)
    {
        if (!valid)
            throw new ArgumentOutOfRangeException(name, value, $"{name} {rule}.");
    }
}
