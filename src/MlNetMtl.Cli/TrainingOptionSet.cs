using System.CommandLine;
using System.Globalization;
using MlNetMtl.MLNet;
using MlNetMtl.Training;

namespace MlNetMtl.Cli;

/// <summary>The network and training options shared by the commands that train.</summary>
internal sealed class TrainingOptionSet(int defaultEpochs)
{
    public Option<int> Epochs { get; } = new("--epochs") { Description = "Maximum epochs (early stopping on validation loss).", DefaultValueFactory = _ => defaultEpochs };
    public Option<NetworkArchitecture> Architecture { get; } = new("--architecture") { Description = "SharedBottom, MMoE, OMoE, PLE, ESMM (two binary tasks: click, click-and-convert) or AITM (binary tasks in funnel order).", DefaultValueFactory = _ => NetworkArchitecture.SharedBottom };
    public Option<int> Levels { get; } = new("--levels") { Description = "Extraction levels (PLE; 1 = CGC).", DefaultValueFactory = _ => 2 };
    public Option<int> SharedExperts { get; } = new("--shared-experts") { Description = "Shared experts per level (PLE).", DefaultValueFactory = _ => 2 };
    public Option<int> TaskExperts { get; } = new("--task-experts") { Description = "Experts of each task per level (PLE).", DefaultValueFactory = _ => 2 };
    public Option<string> Bottom { get; } = new("--bottom") { Description = "Shared bottom widths, comma-separated (SharedBottom).", DefaultValueFactory = _ => "256,128" };
    public Option<int> Experts { get; } = new("--experts") { Description = "Number of experts (MMoE, OMoE).", DefaultValueFactory = _ => 8 };
    public Option<string> ExpertWidths { get; } = new("--expert-widths") { Description = "Widths of each expert's layers, comma-separated (MMoE, OMoE, PLE).", DefaultValueFactory = _ => "64" };
    public Option<string> Tower { get; } = new("--tower") { Description = "Tower hidden widths, comma-separated (empty for a linear head).", DefaultValueFactory = _ => "64" };
    public Option<int> BatchSize { get; } = new("--batch-size") { Description = "Rows per mini-batch.", DefaultValueFactory = _ => 256 };
    public Option<float> LearningRate { get; } = new("--learning-rate") { Description = "Step size.", DefaultValueFactory = _ => 1e-3f };
    public Option<OptimizerKind> Optimizer { get; } = new("--optimizer") { Description = "Adam or SgdMomentum.", DefaultValueFactory = _ => OptimizerKind.Adam };
    public Option<float> Dropout { get; } = new("--dropout") { Description = "Dropout rate of hidden units during training.", DefaultValueFactory = _ => 0f };
    public Option<float> WeightDecay { get; } = new("--weight-decay") { Description = "L2 weight decay on weights.", DefaultValueFactory = _ => 0f };
    public Option<int> Patience { get; } = new("--patience") { Description = "Epochs without validation improvement before stopping (0: never).", DefaultValueFactory = _ => 3 };
    public Option<string> Weighting { get; } = new("--weighting") { Description = "Loss weighting: fixed, uncertainty, dwa, rlw, validation, gradnorm, pcgrad, mgda or cagrad.", DefaultValueFactory = _ => "fixed" };
    public Option<int> WarmupSteps { get; } = new("--warmup-steps") { Description = "Steps of linear learning-rate warm-up.", DefaultValueFactory = _ => 0 };
    public Option<LearningRateDecay> Decay { get; } = new("--decay") { Description = "Learning-rate decay after warm-up: Constant, Step or Cosine.", DefaultValueFactory = _ => LearningRateDecay.Constant };
    public Option<float> ClipNorm { get; } = new("--clip-norm") { Description = "Largest global gradient norm per step (0: no clipping).", DefaultValueFactory = _ => 0f };
    public Option<string> StoppingTask { get; } = new("--early-stopping-task") { Description = "Stop on this task's validation AUC (binary) or RMSE (regression) instead of the mean loss." };
    public Option<int> Seed { get; } = new("--seed") { Description = "Seed of data generation, initialisation and shuffling.", DefaultValueFactory = _ => 42 };
    public Option<int?> ShuffleBuffer { get; } = new("--shuffle-buffer-rows") { Description = "Stream the training rows through a shuffle buffer of this many rows instead of loading them all." };
    public Option<int> Threads { get; } = new("--threads") { Description = "Threads sharing each mini-batch, 1 to 256 (default: the processor count).", DefaultValueFactory = _ => Environment.ProcessorCount };
    public Option<int?> MemoryLimit { get; } = new("--memory-limit") { Description = "Most memory training may need, in MiB; a larger run stops before training and names the widest inputs (default: 80% of the memory)." };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Architecture, Epochs, Bottom, Experts, ExpertWidths, Levels, SharedExperts, TaskExperts, Tower, BatchSize, LearningRate, Optimizer, Dropout, WeightDecay, Patience, Weighting, WarmupSteps, Decay, ClipNorm, StoppingTask, Seed, Threads, MemoryLimit, ShuffleBuffer })
            command.Options.Add(option);
    }

    public MultiTaskNetworkTrainerOptions Create(ParseResult parse, string featureColumn, IEnumerable<TaskColumn> tasks, IProgress<EpochReport>? progress) => new()
    {
        FeatureColumnName = featureColumn,
        Tasks = tasks.ToList(),
        Architecture = parse.GetValue(Architecture),
        BottomWidths = Widths(parse.GetValue(Bottom)!),
        ExpertCount = parse.GetValue(Experts),
        ExpertWidths = Widths(parse.GetValue(ExpertWidths)!),
        Levels = parse.GetValue(Levels),
        SharedExperts = parse.GetValue(SharedExperts),
        TaskExperts = parse.GetValue(TaskExperts),
        TowerWidths = Widths(parse.GetValue(Tower)!),
        Dropout = parse.GetValue(Dropout),
        Epochs = parse.GetValue(Epochs),
        BatchSize = parse.GetValue(BatchSize),
        LearningRate = parse.GetValue(LearningRate),
        Optimizer = parse.GetValue(Optimizer),
        WeightDecay = parse.GetValue(WeightDecay),
        EarlyStoppingPatience = parse.GetValue(Patience),
        Weighting = Training.Weighting.LossWeighting.Create(parse.GetValue(Weighting) ?? "fixed"),
        Schedule = new LearningRateSchedule { WarmupSteps = parse.GetValue(WarmupSteps), Decay = parse.GetValue(Decay) },
        GradientClipNorm = parse.GetValue(ClipNorm),
        EarlyStoppingTask = parse.GetValue(StoppingTask),
        Seed = parse.GetValue(Seed),
        Threads = parse.GetValue(Threads),
        ShuffleBufferRows = parse.GetValue(ShuffleBuffer),
        MemoryLimitMegabytes = parse.GetValue(MemoryLimit),
        Progress = progress,
    };

    private static int[] Widths(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(w => int.TryParse(w, NumberStyles.Integer, CultureInfo.InvariantCulture, out int width)
                ? width
                : throw new ArgumentException($"'{w}' in '{text}' is not a layer width."))
            .ToArray();
}
