using MlNetMtl.Datasets;

namespace MlNetMtl.Cli.Experiment;

/// <summary>How much the experiment prints.</summary>
internal enum Verbosity
{
    /// <summary>The leaderboard and the outputs only.</summary>
    Quiet,
    /// <summary>Also the inferred columns and one line per trial.</summary>
    Normal,
    /// <summary>Also one line per epoch of every trial.</summary>
    Detailed,
}

/// <summary>The parsed options of <c>mlnet-mtl experiment</c>.</summary>
internal sealed record ExperimentSettings
{
    public required string Dataset { get; init; }
    public DataFormat Format { get; init; }
    public IReadOnlyList<TaskColumn> Tasks { get; init; } = [];
    public IReadOnlyList<string>? Chain { get; init; }
    public string? GroupColumn { get; init; }
    public IReadOnlyList<string> Ignore { get; init; } = [];
    public IReadOnlyDictionary<string, ColumnRole> Roles { get; init; } = new Dictionary<string, ColumnRole>();
    public string? ValidationDataset { get; init; }
    public string? TestDataset { get; init; }
    /// <summary>Share of the rows held out for testing when no test file is given (Model Builder's 80/20).</summary>
    public double TestFraction { get; init; } = 0.2;
    /// <summary>Share of the training rows that score the trials when no validation file is given.</summary>
    public double ValidationFraction { get; init; } = 0.15;
    public TimeSpan TrainTime { get; init; } = TimeSpan.FromSeconds(60);
    public string? Metric { get; init; }
    public int Seed { get; init; } = 42;
    public required string Output { get; init; }
    public Verbosity Verbosity { get; init; } = Verbosity.Normal;
    public int MaxEpochs { get; init; } = 30;
    public bool Baselines { get; init; } = true;
    public int Threads { get; init; } = Environment.ProcessorCount;
}
