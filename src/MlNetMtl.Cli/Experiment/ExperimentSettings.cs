using MlNetMtl.Datasets;
using MlNetMtl.Experiments;
using MlNetMtl.MLNet;
using MlNetMtl.Settings;
using MlNetMtl.Training;

namespace MlNetMtl.Cli.Experiment;

/// <summary>The parsed options of <c>mlnet-mtl experiment</c>.</summary>
internal sealed record ExperimentSettings
{
    public required string Dataset { get; init; }
    public DataFormat Format { get; init; }
    public IReadOnlyList<TaskColumn> Tasks { get; init; } = [];
    public IReadOnlyList<string>? Chain { get; init; }
    /// <summary>A user or session column for GAUC; it decides nothing about the split.</summary>
    public string? GroupColumn { get; init; }
    public IReadOnlyList<string> Ignore { get; init; } = [];
    /// <summary>A column of scenarios: every trial is conditioned on it, STAR joins the search, and the test rows are also scored per domain.</summary>
    public string? DomainColumn { get; init; }
    public IReadOnlyDictionary<string, ColumnRole> Roles { get; init; } = new Dictionary<string, ColumnRole>();
    /// <summary>The featurization's knobs that are not roles: text slots, the text encoder and hash bits (null: inferred).</summary>
    public int TextFeatures { get; init; } = new FeatureSpec().TextFeatures;
    /// <summary>
    /// How text columns are featurized; null (the default): the experiment chooses — with text columns and the sentence
    /// encoder's package present, one trial on each of <see cref="TextEncoding.MiniLm"/> and <see cref="TextEncoding.NGrams"/>
    /// decides on the validation rows before the search; otherwise <see cref="FeatureSpec.DefaultTextEncoder"/>.
    /// </summary>
    public TextEncoding? TextEncoder { get; init; }
    public int? HashBits { get; init; }
    public string? ValidationDataset { get; init; }
    public string? TestDataset { get; init; }
    /// <summary>Share of the rows held out for testing when no test file is given (Model Builder's 80/20).</summary>
    public double TestFraction { get; init; } = 0.2;
    /// <summary>Share of the training rows that score the trials when no validation file is given.</summary>
    public double ValidationFraction { get; init; } = 0.15;
    /// <summary>How the test and validation rows are held out; <see cref="SplitColumn"/> names the group or time column.</summary>
    public SplitKind SplitBy { get; init; } = SplitKind.Random;
    public string? SplitColumn { get; init; }
    public TimeSpan TrainTime { get; init; } = TimeSpan.FromSeconds(60);
    public string? Metric { get; init; }
    public int Seed { get; init; } = TrainerOptions.DefaultSeed;
    /// <summary>Training settings given on the command line: fixed for every trial.</summary>
    public SettingValues Given { get; init; } = SettingValues.None;
    /// <summary>The one architecture to search, or null for every one the tasks suit.</summary>
    public string? Architecture { get; init; }
    /// <summary>The one loss weighting to search, or null for every searched one.</summary>
    public string? Weighting { get; init; }
    public required string Output { get; init; }
    /// <summary>Write into a folder that holds files an experiment did not write (beside them).</summary>
    public bool Force { get; init; }
    public Verbosity Verbosity { get; init; } = Verbosity.Normal;
    public bool Baselines { get; init; } = true;

    /// <summary>The input files, which the output must never replace.</summary>
    public IEnumerable<string> Inputs => new[] { Dataset, ValidationDataset, TestDataset }.OfType<string>();
}
