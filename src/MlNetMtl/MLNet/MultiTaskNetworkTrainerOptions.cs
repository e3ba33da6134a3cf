using MlNetMtl.Data;
using MlNetMtl.Networks;
using MlNetMtl.Training;
using MlNetMtl.Training.Weighting;

namespace MlNetMtl.MLNet;

/// <summary>The architectures the multi-task trainer offers.</summary>
public enum NetworkArchitecture
{
    /// <summary>A shared MLP, then one tower per task (<see cref="MultiTaskNetworkTrainerOptions.BottomWidths"/>).</summary>
    SharedBottom,
    /// <summary>Multi-gate mixture of experts: one softmax gate per task over <see cref="MultiTaskNetworkTrainerOptions.ExpertCount"/> experts.</summary>
    MMoE,
    /// <summary>One-gate mixture of experts: MMoE with a single gate shared by all tasks.</summary>
    OMoE,
    /// <summary>Progressive layered extraction: <see cref="MultiTaskNetworkTrainerOptions.Levels"/> levels of task-specific and shared experts (1 level = CGC).</summary>
    PLE,
    /// <summary>Entire-space multi-task model for a click → conversion chain: exactly two binary tasks, CTR then CTCVR (shared <see cref="MultiTaskNetworkTrainerOptions.BottomWidths"/>).</summary>
    ESMM,
    /// <summary>Adaptive information transfer for two or more binary tasks in funnel order, with the behavioural-expectation calibrator (<see cref="MultiTaskNetworkTrainerOptions.CalibratorWeight"/>).</summary>
    AITM,
}

/// <summary>Options of the multi-task network trainer. Every property has a documented default.</summary>
public sealed class MultiTaskNetworkTrainerOptions
{
    /// <summary>The feature column: a known-size vector of Single, dense or sparse. Default "Features".</summary>
    public string FeatureColumnName { get; set; } = "Features";

    /// <summary>The tasks, each with a name, label column, kind and loss weight. At least one is required.</summary>
    public IList<TaskColumn> Tasks { get; set; } = new List<TaskColumn>();

    /// <summary>A Single/Double column of row weights applied to every task's loss (e.g. a survey weight), or null. Default null.</summary>
    public string? WeightColumnName { get; set; }

    /// <summary>The architecture. Default <see cref="NetworkArchitecture.SharedBottom"/>.</summary>
    public NetworkArchitecture Architecture { get; set; } = NetworkArchitecture.SharedBottom;

    /// <summary>Shared-bottom, ESMM and AITM: widths of the shared ReLU layers. Default [256, 128].</summary>
    public int[] BottomWidths { get; set; } = [256, 128];

    /// <summary>MMoE/OMoE: number of experts. Default 8.</summary>
    public int ExpertCount { get; set; } = 8;

    /// <summary>MMoE/OMoE/PLE: widths of each expert's ReLU layers (the last is the width the gates mix). Default [64].</summary>
    public int[] ExpertWidths { get; set; } = [64];

    /// <summary>AITM: weight α of the calibrator loss that keeps a later funnel step no likelier than an earlier one. Default 0.6.</summary>
    public float CalibratorWeight { get; set; } = 0.6f;

    /// <summary>PLE: extraction levels (1 = CGC). Default 2.</summary>
    public int Levels { get; set; } = 2;

    /// <summary>PLE: shared experts per level. Default 2.</summary>
    public int SharedExperts { get; set; } = 2;

    /// <summary>PLE: experts of each task per level. Default 2.</summary>
    public int TaskExperts { get; set; } = 2;

    /// <summary>Widths of each tower's hidden ReLU layers (a width-1 output follows; for AITM the last width is the attention width). Default [64].</summary>
    public int[] TowerWidths { get; set; } = [64];

    /// <summary>Dropout rate of hidden units during training. Default 0.</summary>
    public float Dropout { get; set; }

    /// <summary>Maximum epochs. Default 20.</summary>
    public int Epochs { get; set; } = 20;

    /// <summary>Rows per mini-batch. Default 256.</summary>
    public int BatchSize { get; set; } = 256;

    /// <summary>The optimizer. Default Adam.</summary>
    public OptimizerKind Optimizer { get; set; } = OptimizerKind.Adam;

    /// <summary>Step size. Default 1e-3.</summary>
    public float LearningRate { get; set; } = 1e-3f;

    /// <summary>L2 weight decay on weights (not biases). Default 0.</summary>
    public float WeightDecay { get; set; }

    /// <summary>Fraction of training rows held out for early stopping when no validation data is given. Default 0.1.</summary>
    public double ValidationFraction { get; set; } = 0.1;

    /// <summary>Epochs without validation improvement before stopping; the best weights are restored. 0 = never stop early. Default 3.</summary>
    public int EarlyStoppingPatience { get; set; } = 3;

    /// <summary>
    /// How the tasks' losses are weighted step by step: fixed (default), uncertainty, DWA, random, validation-driven
    /// (<see cref="LossWeighting.Create"/> by name). The per-epoch weights are in <see cref="MultiTaskTransformer.TrainingHistory"/>.
    /// </summary>
    public LossWeighting Weighting { get; set; } = new FixedWeighting();

    /// <summary>
    /// A trained model to continue from (same architecture and feature width): its weights initialise the parameters of
    /// the same name; tasks new to this run get fresh towers. Default null.
    /// </summary>
    public MultiTaskTransformer? WarmStart { get; set; }

    /// <summary>
    /// Pretrained vectors (e.g. LLM item embeddings, from <see cref="PretrainedVectors.FromFile"/> or
    /// <see cref="PretrainedVectorsReader.FromDataView"/>) that initialise the input layer's rows of a block of feature
    /// slots; their width must equal the first layer's. Default none.
    /// </summary>
    public PretrainedVectors? Pretrained { get; set; }

    /// <summary>Which parameters stay fixed: none, the shared layers, or everything taken from <see cref="WarmStart"/>. Default none.</summary>
    public FreezeMode Freeze { get; set; }

    /// <summary>Imbalance handling of binary tasks by task name (positive weight, focal loss, negative downsampling). Default none.</summary>
    public IDictionary<string, TaskImbalance> Imbalance { get; set; } = new Dictionary<string, TaskImbalance>();

    /// <summary>The learning rate over the run: linear warm-up, then constant, step or cosine decay. Default constant.</summary>
    public LearningRateSchedule Schedule { get; set; } = new();

    /// <summary>Largest global L2 norm of the gradient per step (0 = no clipping). Default 0.</summary>
    public float GradientClipNorm { get; set; }

    /// <summary>The task whose validation metric (AUC binary, RMSE regression) drives early stopping; null for the mean loss. Default null.</summary>
    public string? EarlyStoppingTask { get; set; }

    /// <summary>
    /// Seed of initialisation, shuffling, the validation split and dropout. Default null: the seed of the
    /// <see cref="Microsoft.ML.MLContext"/> the trainer was made from (<c>new MLContext(seed: 1)</c>), or a random seed for an
    /// unseeded context, as ML.NET's own trainers do.
    /// </summary>
    public int? Seed { get; set; }

    /// <summary>
    /// The most memory training may need, in MiB: before anything large is allocated the trainer estimates it from the
    /// feature width, the network and the rows, and stops with a message naming the widest inputs when it is over.
    /// Default null: 80% of the memory available to the process.
    /// </summary>
    public int? MemoryLimitMegabytes { get; set; }

    /// <summary>
    /// Threads that share each mini-batch (synchronous data parallelism; a given thread count and seed give the same
    /// model run after run). Gradient-based weightings run on one thread. Default <see cref="Environment.ProcessorCount"/>.
    /// </summary>
    public int Threads { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// Null (the default) reads the training rows into memory once. A number streams them from the data view on
    /// every epoch through a shuffle buffer of that many rows, so data larger than memory trains: memory stays at
    /// about twice the buffer's rows (dense) whatever the data's size. When every row fits in the buffer, the model
    /// is the in-memory one. Without validation data, rows are held out by a seeded hash of their position.
    /// </summary>
    public int? ShuffleBufferRows { get; set; }

    /// <summary>Receives a report after every epoch (per-task training and validation loss). Default none.</summary>
    public IProgress<EpochReport>? Progress { get; set; }

    /// <summary>The memory limit in bytes: <see cref="MemoryLimitMegabytes"/>, or 80% of the available memory.</summary>
    internal long MemoryLimitBytes => MemoryLimitMegabytes is { } megabytes ? megabytes * 1024L * 1024 : ResourceCheck.DefaultLimitBytes;

    /// <summary>A shallow copy (lists and objects shared), to vary a few settings of a template.</summary>
    public MultiTaskNetworkTrainerOptions Clone() => (MultiTaskNetworkTrainerOptions)MemberwiseClone();

    /// <summary>A copy with other tasks and architecture (for single-task counterparts).</summary>
    internal MultiTaskNetworkTrainerOptions With(IList<TaskColumn> tasks, NetworkArchitecture architecture)
    {
        var copy = (MultiTaskNetworkTrainerOptions)MemberwiseClone();
        copy.Tasks = tasks;
        copy.Architecture = architecture;
        copy.Imbalance = Imbalance.Where(i => tasks.Any(t => t.Name == i.Key)).ToDictionary();
        copy.EarlyStoppingTask = tasks.Any(t => t.Name == EarlyStoppingTask) ? EarlyStoppingTask : null;
        copy.Progress = null;
        return copy;
    }

    internal NetworkOptions NetworkOptions() => Architecture switch
    {
        NetworkArchitecture.SharedBottom => new SharedBottomOptions { BottomWidths = BottomWidths, TowerWidths = TowerWidths, Dropout = Dropout },
        NetworkArchitecture.MMoE or NetworkArchitecture.OMoE => new MmoeOptions
        {
            ExpertCount = ExpertCount, ExpertWidths = ExpertWidths, TowerWidths = TowerWidths, Dropout = Dropout, SharedGate = Architecture == NetworkArchitecture.OMoE,
        },
        NetworkArchitecture.ESMM => new EsmmOptions { BottomWidths = BottomWidths, TowerWidths = TowerWidths, Dropout = Dropout },
        NetworkArchitecture.AITM => new AitmOptions { BottomWidths = BottomWidths, TowerWidths = TowerWidths, CalibratorWeight = CalibratorWeight, Dropout = Dropout },
        NetworkArchitecture.PLE => new PleOptions
        {
            Levels = Levels, SharedExperts = SharedExperts, TaskExperts = TaskExperts, ExpertWidths = ExpertWidths, TowerWidths = TowerWidths, Dropout = Dropout,
        },
        _ => throw new ArgumentOutOfRangeException(nameof(Architecture), Architecture, "Unknown architecture."),
    };

    internal TrainerOptions TrainingOptions(int? seed = null) => new()
    {
        Epochs = Epochs,
        BatchSize = BatchSize,
        Optimizer = Optimizer,
        LearningRate = LearningRate,
        WeightDecay = WeightDecay,
        ValidationFraction = ValidationFraction,
        EarlyStoppingPatience = EarlyStoppingPatience,
        Weighting = Weighting,
        Schedule = Schedule,
        Imbalance = Imbalance.ToDictionary(),
        WarmStart = WarmStart?.Network,
        Pretrained = Pretrained,
        Freeze = Freeze,
        GradientClipNorm = GradientClipNorm,
        EarlyStoppingTask = EarlyStoppingTask,
        Seed = seed ?? Seed ?? 42,
        Threads = Threads,
    };

    /// <summary>Checks the options on their own (columns are checked against the data later).</summary>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(FeatureColumnName))
            throw new ArgumentException("FeatureColumnName must name the feature column.", nameof(FeatureColumnName));
        if (Tasks is null || Tasks.Count == 0)
            throw new ArgumentException("Tasks is empty: give at least one task (name, label column, kind).", nameof(Tasks));
        var definitions = Tasks.Select(t => t.DefinitionForChecks).ToArray();
        TaskDefinition.ValidateList(definitions, nameof(Tasks));
        var sharedLabel = Tasks.GroupBy(t => t.LabelColumnName, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (sharedLabel is not null)
            throw new ArgumentException($"Tasks {string.Join(" and ", sharedLabel.Select(t => $"'{t.Name}'"))} both learn from label column '{sharedLabel.Key}'; " +
                "give each task its own label column.", nameof(Tasks));
        if (MemoryLimitMegabytes is <= 0)
            throw new ArgumentOutOfRangeException(nameof(MemoryLimitMegabytes), MemoryLimitMegabytes, "MemoryLimitMegabytes must be > 0 (or null for 80% of the available memory).");
        NetworkOptions().ValidateTasks(definitions);
        if (ShuffleBufferRows is <= 0)
            throw new ArgumentOutOfRangeException(nameof(ShuffleBufferRows), ShuffleBufferRows, "ShuffleBufferRows must be > 0 (or null to train in memory).");
        _ = new MultiTaskTrainer(NetworkOptions(), TrainingOptions());
    }
}
