using MlNetMtl.Networks;
using MlNetMtl.Settings;

namespace MlNetMtl.Training;

/// <summary>
/// How a multi-task network is trained. Every property has a documented default; each setting is declared here once
/// (<see cref="SettingAttribute"/>) and the command line, the experiment's search and generated code derive from it.
/// </summary>
public sealed record TrainerOptions
{
    private const string OptimizerConstant = "an optimizer constant: the default is the standard one";
    /// <summary>Maximum passes over the training rows. Default 20.</summary>
    [Setting("epochs", NotSearched = "a trial's most epochs; early stopping ends most trials sooner")]
    public int Epochs { get; init; } = 20;

    /// <summary>Rows per mini-batch. Default 256.</summary>
    [Setting("batch-size", Search = ["128", "256", "512"])]
    public int BatchSize { get; init; } = 256;

    /// <summary>The optimizer. Default <see cref="OptimizerKind.Adam"/>.</summary>
    [Setting("optimizer", NotSearched = "the searched learning rates are Adam's")]
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>Step size. Default 1e-3 (suits Adam; SGD usually wants 1e-2 to 1e-1).</summary>
    [Setting("learning-rate", Search = ["0.0003", "0.001", "0.003"])]
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Adam's first-moment decay β₁. Default 0.9.</summary>
    [Setting("adam-beta1", NotSearched = OptimizerConstant)]
    public float Beta1 { get; init; } = 0.9f;

    /// <summary>Adam's second-moment decay β₂. Default 0.999.</summary>
    [Setting("adam-beta2", NotSearched = OptimizerConstant)]
    public float Beta2 { get; init; } = 0.999f;

    /// <summary>Adam's ε. Default 1e-8.</summary>
    [Setting("adam-epsilon", NotSearched = OptimizerConstant)]
    public float Epsilon { get; init; } = 1e-8f;

    /// <summary>Momentum μ of <see cref="OptimizerKind.SgdMomentum"/>. Default 0.9.</summary>
    [Setting("momentum", NotSearched = OptimizerConstant)]
    public float Momentum { get; init; } = 0.9f;

    /// <summary>
    /// L2 weight decay λ added to weight gradients (λ·w; biases are not decayed). With sparse input rows the
    /// first layer's rows are decayed only in the steps that touch them. Default 0.
    /// </summary>
    [Setting("weight-decay", NotSearched = "the search regularises with dropout")]
    public float WeightDecay { get; init; }

    /// <summary>
    /// Fraction of the training rows held out (after a seeded shuffle) for validation and early stopping when no
    /// validation set is given; 0 trains on every row for all epochs. Default 0.1.
    /// </summary>
    [Setting("validation-fraction", NotSearched = "the experiment holds out validation rows of its own")]
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>
    /// Epochs without improvement of the mean validation loss before training stops; the best epoch's weights are
    /// restored at the end. 0 never stops early (the best weights are still restored). Default 3.
    /// </summary>
    [Setting("patience", NotSearched = "how long a trial waits for its validation score to improve, not a model's shape")]
    public int EarlyStoppingPatience { get; init; } = 3;

    /// <summary>Differentially private training (DP-SGD with a Rényi accountant). Default off.</summary>
    [SettingGroup]
    public Privacy.PrivacyOptions Privacy { get; init; } = new();

    /// <summary>The learning rate over the run: warm-up and decay. Default constant.</summary>
    [SettingGroup]
    public LearningRateSchedule Schedule { get; init; } = new();

    /// <summary>Largest global L2 norm of the gradient per step; larger gradients are scaled down to it. 0 = no clipping. Default 0.</summary>
    [Setting("clip-norm", NotSearched = "a guard against exploding gradients, not a model's shape")]
    public float GradientClipNorm { get; init; }

    /// <summary>
    /// The task whose validation metric drives early stopping and the choice of the best epoch — AUC for a binary
    /// task, RMSE for regression, loss for multiclass — or null for the loss-weighted mean validation loss. Default null.
    /// </summary>
    [Setting("early-stopping-task", NotSearched = "it names one of your tasks")]
    public string? EarlyStoppingTask { get; init; }

    /// <summary>
    /// A trained network to start from: each of its parameters initialises the parameter of the same name and shape
    /// (same architecture and input width). Its tasks may be a subset of this run's: a new task gets a fresh
    /// tower (and gate). Null trains from a seeded initialisation. Default null.
    /// </summary>
    [NotASetting("a trained network, given in code (on the command line: train --warm-start MODEL)")]
    public MultiTaskNetwork? WarmStart { get; init; }

    /// <summary>Pretrained vectors that initialise a block of the input layer's weight rows (after any warm start). Default none.</summary>
    [NotASetting("vectors given in code (on the command line: train --pretrained FILE)")]
    public PretrainedVectors? Pretrained { get; init; }

    /// <summary>
    /// After in-memory training, zero the input layer's rows (embedding-table rows, or one-hot first-layer weights) of the feature
    /// slots no training row sets: an id or value never seen contributes nothing, rather than its random initial weights, so a
    /// new item is scored from its other fields — its text, its category. Not applied with a warm start or pretrained vectors
    /// (whose rows are knowledge), under DP-SGD (which rows are zero would tell which values occur) or to streamed training. Default true.
    /// </summary>
    [Setting("forget-unseen-slots", NotSearched = "it changes only how never-seen values are scored, which validation rows cannot judge")]
    public bool ForgetUnseenSlots { get; init; } = true;

    /// <summary>Which parameters stay fixed. Default <see cref="FreezeMode.None"/>.</summary>
    [Setting("freeze", NotSearched = "it needs a warm start")]
    public FreezeMode Freeze { get; init; }

    /// <summary>Imbalance handling of binary tasks by task name: positive weight, focal loss, negative downsampling. Default none.</summary>
    [NotASetting("per task: TaskImbalance objects by task name, given in code")]
    public IReadOnlyDictionary<string, TaskImbalance> Imbalance { get; init; } = new Dictionary<string, TaskImbalance>();

    /// <summary>How the tasks' losses are weighted step by step (<see cref="Weighting.LossWeighting.Create"/> by name). Default fixed weights.</summary>
    [NotASetting("the loss-weighting plug-in: --weighting NAME (its parameters are settings of their own)")]
    public Weighting.LossWeighting Weighting { get; init; } = new Weighting.FixedWeighting();

    /// <summary>
    /// Threads that share each mini-batch (synchronous data parallelism: the batch is split into contiguous shards
    /// whose gradients are summed in a fixed order). A fixed seed gives the same weights run after run for a given
    /// thread count; different thread counts differ by float rounding (and by their dropout masks). Gradient-based
    /// weightings (gradnorm, pcgrad, mgda, cagrad) and DP-SGD run on one thread. Default: the processor count.
    /// </summary>
    [Setting("threads", NotSearched = "the machine's, not the model's")]
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>The most threads a run may use.</summary>
    public const int MaxThreads = 256;

    /// <summary>
    /// Training over several processes (<see cref="Distributed.Mpi.World"/> in each process of <c>mpiexec -n N</c>), or null
    /// for this process alone. Each process reads the whole data set and trains on its shard of every mini-batch — the
    /// rows thread r would take with <see cref="Threads"/> = N, on one thread (<see cref="Threads"/> is not used) — and
    /// the gradients are summed in rank order, dense ones part by part, row-sparse ones (an embedding table's) as the rows
    /// each process touched; every process then takes the same step. Each evaluates its share of the validation batches,
    /// the figures combined exactly. So N processes give the bits of one process with N threads, and a seed the same
    /// weights run after run. Rank 0 is the one that should write the model. Not with
    /// DP-SGD or the gradient-based weightings. Default null.
    /// </summary>
    [NotASetting("the processes a run spans, not the model's: --distributed mpi on the command line")]
    public Distributed.Communicator? Distributed { get; init; }

    /// <summary>
    /// Checkpoints of the run every <see cref="Checkpoints.CheckpointOptions.EverySteps"/> steps, and whether this run resumes
    /// from one (in memory or streamed; not with DP-SGD). Null takes none. Default null.
    /// </summary>
    [NotASetting("where a run saves its progress, not the model: --checkpoint-every, --checkpoint and --resume on the command line")]
    public Checkpoints.CheckpointOptions? Checkpoint { get; init; }

    /// <summary>
    /// Seed of initialisation, shuffling, the validation split and dropout. Default null: the seed of the MLContext
    /// the trainer was made from when trained through ML.NET, otherwise <see cref="DefaultSeed"/>.
    /// </summary>
    [Setting("seed", NotSearched = "the run's seed, kept for every trial so that trials differ only in their settings")]
    public int? Seed { get; init; }

    /// <summary>The seed of a run without one: 42.</summary>
    public const int DefaultSeed = 42;

    /// <summary>The seed a run uses.</summary>
    internal int SeedOrDefault => Seed ?? DefaultSeed;

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
        ArgumentNullException.ThrowIfNull(Privacy, nameof(Privacy));
        Privacy.Validate();
        if (Privacy.Enabled)
        {
            if (Weighting is Weighting.GradientWeighting)
                throw new ArgumentException($"The '{Weighting.Name}' weighting combines per-task gradients of the whole batch, which DP-SGD never forms " +
                    "(it clips each example's gradient of the weighted loss); use fixed, uncertainty, dwa, rlw or validation weighting with privacy.", nameof(Weighting));
            if (GradientClipNorm > 0)
                throw new ArgumentException("GradientClipNorm clips the batch's gradient; under DP-SGD each example's gradient is clipped to Privacy.ClipNorm instead: leave GradientClipNorm at 0.", nameof(GradientClipNorm));
            if (Privacy.MaxRowsPerUser > BatchSize && Privacy.UserColumn is not null)
                throw new ArgumentException($"Privacy.MaxRowsPerUser ({Privacy.MaxRowsPerUser}) exceeds BatchSize ({BatchSize}): one user's rows must fit a batch.", $"{nameof(Privacy)}.{nameof(Privacy.MaxRowsPerUser)}");
        }
        if (Distributed is { Size: > 1 } && Privacy.Enabled)
            throw new ArgumentException("DP-SGD trains in one process: its noise and accounting are per step of one process; leave Distributed unset with privacy.", nameof(Distributed));
        if (Distributed is { Size: > 1 } && Weighting is Weighting.GradientWeighting)
            throw new ArgumentException($"The '{Weighting.Name}' weighting combines per-task gradients of the whole batch in one process; use fixed, uncertainty, dwa, rlw or validation weighting with Distributed.", nameof(Distributed));
        Checkpoint?.Validate();
        if (Checkpoint is not null && Privacy.Enabled)
            throw new ArgumentException("DP-SGD runs cannot be checkpointed yet: their noise comes from a generator that cannot be replayed, so a resumed run " +
                "would not be the run its privacy guarantee describes. Leave Checkpoint unset with privacy.", nameof(Checkpoint));
        if (!Enum.IsDefined(Optimizer))
            throw new ArgumentOutOfRangeException(nameof(Optimizer), Optimizer, "Unknown optimizer.");
    }

    private static void RequireFinite(bool valid, string name, double value, string rule)
    {
        if (!valid)
            throw new ArgumentOutOfRangeException(name, value, $"{name} {rule}.");
    }
}
