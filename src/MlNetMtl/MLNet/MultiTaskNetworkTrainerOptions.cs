using MlNetMtl.Data;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Networks.Encoders;
using MlNetMtl.Settings;
using MlNetMtl.Training;

namespace MlNetMtl.MLNet;

/// <summary>
/// Options of the multi-task network trainer: the columns, the network (<see cref="Network"/>, one options type per
/// architecture) and its training (<see cref="Training"/>); besides these, only what ML.NET adds (reading from a data
/// view, memory). Every setting is declared once, with its default, in the options object that owns it.
/// </summary>
public sealed class MultiTaskNetworkTrainerOptions
{
    /// <summary>The feature column: a known-size vector of Single, dense or sparse. Default "Features".</summary>
    [NotASetting("a column of the data: the command line featurizes the data set into it")]
    public string FeatureColumnName { get; set; } = "Features";

    /// <summary>The tasks, each with a name, label column, kind and loss weight. At least one is required.</summary>
    [NotASetting("the tasks: on the command line --task NAME:LABEL:KIND")]
    public IList<TaskColumn> Tasks { get; set; } = new List<TaskColumn>();

    /// <summary>A Single/Double column of row weights applied to every task's loss (e.g. a survey weight), or null. Default null.</summary>
    [NotASetting("a column of the data: on the command line a column with role Weight")]
    public string? WeightColumnName { get; set; }

    /// <summary>
    /// The domain (scenario) column — an app tab, a country, a surface — one-hot encoded among the features: each row's domain
    /// conditions the scenario-aware architectures (<see cref="StarOptions"/> and <see cref="PepNetOptions"/>, which need it) and the gates of MMoE, OMoE
    /// and PLE. A row whose domain training never saw (or whose value is empty) is scored by the shared part alone.
    /// Default null: no domains.
    /// </summary>
    [NotASetting("a column of the data: on the command line --domain-col COLUMN")]
    public string? DomainColumn { get; set; }

    /// <summary>
    /// The architecture and its sizes: <see cref="SharedBottomOptions"/>, <see cref="MmoeOptions"/>, <see cref="OmoeOptions"/>,
    /// <see cref="PleOptions"/>, <see cref="EsmmOptions"/>, <see cref="AitmOptions"/>, <see cref="StarOptions"/> or <see cref="PepNetOptions"/> (<see cref="NetworkOptions.Create"/> by name).
    /// Default a shared bottom with its default sizes.
    /// </summary>
    [NotASetting("the architecture plug-in: --architecture NAME (its sizes are settings of their own)")]
    public NetworkOptions Network { get; set; } = new SharedBottomOptions();

    /// <summary>
    /// How the network is trained: epochs, optimizer, learning rate and schedule, early stopping, loss weighting,
    /// transfer, threads. Default <see cref="TrainerOptions"/>' defaults; its <see cref="TrainerOptions.Seed"/> defaults to
    /// the seed of the <see cref="Microsoft.ML.MLContext"/> the trainer was made from (<c>new MLContext(seed: 1)</c>), or a
    /// random seed for an unseeded context, as ML.NET's own trainers do.
    /// </summary>
    [NotASetting("a group of settings of its own")]
    public TrainerOptions Training { get; set; } = new();

    /// <summary>
    /// A trained model to continue from (same architecture and feature width): its weights initialise the parameters of
    /// the same name; tasks new to this run get fresh towers. Default null.
    /// </summary>
    [NotASetting("a trained model, given in code (on the command line: train --warm-start MODEL)")]
    public MultiTaskTransformer? WarmStart { get; set; }

    /// <summary>
    /// The fields of the feature column, for the embedding encoder (<c>Network.Encoder</c>): which slots each source column
    /// occupies. Default null: derived from the feature column's slot names, which ML.NET's Concatenate writes as
    /// <c>source.slot</c> (each source column one field; a source that concatenates several raw columns, one field per raw column).
    /// </summary>
    [NotASetting("the data's shape, derived from the feature column (or given in code)")]
    public FieldLayout? Fields { get; set; }

    /// <summary>
    /// The most memory training may need, in MiB: before anything large is allocated the trainer estimates it from the
    /// feature width, the network and the rows, and stops with a message naming the widest inputs when it is over.
    /// Default null: 80% of the memory available to the process.
    /// </summary>
    [Setting("memory-limit", NotSearched = "the machine's, not the model's")]
    public int? MemoryLimitMegabytes { get; set; }

    /// <summary>
    /// Streams the training rows from the data view on every epoch through a shuffle buffer of this many rows, so data
    /// larger than memory trains: memory stays at about twice the buffer's rows (dense) whatever the data's size. When
    /// every row fits in the buffer, the model is the in-memory one. Without validation data, rows are held out by a
    /// seeded hash of their position. Default null: the training rows are read into memory once.
    /// </summary>
    [Setting("shuffle-buffer-rows", NotSearched = "how rows are read, not the model")]
    public int? ShuffleBufferRows { get; set; }

    /// <summary>Receives a report after every epoch (per-task training and validation loss). Default none.</summary>
    [NotASetting("a callback, given in code (the command line prints epochs with --verbosity detailed)")]
    public IProgress<EpochReport>? Progress { get; set; }

    /// <summary>The memory limit in bytes: <see cref="MemoryLimitMegabytes"/>, or 80% of the available memory.</summary>
    internal long MemoryLimitBytes => MemoryLimitMegabytes is { } megabytes ? megabytes * 1024L * 1024 : ResourceCheck.DefaultLimitBytes;

    /// <summary>A shallow copy (lists and objects shared), to vary a few settings of a template.</summary>
    public MultiTaskNetworkTrainerOptions Clone() => (MultiTaskNetworkTrainerOptions)MemberwiseClone();

    /// <summary>A copy for <paramref name="tasks"/> alone with <paramref name="network"/> (for single-task counterparts).</summary>
    internal MultiTaskNetworkTrainerOptions With(IList<TaskColumn> tasks, NetworkOptions network)
    {
        var copy = Clone();
        copy.Tasks = tasks;
        copy.Network = network;
        copy.Training = Training with
        {
            Imbalance = Training.Imbalance.Where(i => tasks.Any(t => t.Name == i.Key)).ToDictionary(),
            EarlyStoppingTask = tasks.Any(t => t.Name == Training.EarlyStoppingTask) ? Training.EarlyStoppingTask : null,
        };
        copy.Progress = null;
        return copy;
    }

    /// <summary>The training options a run uses: <see cref="Training"/> with the warm start's network and the run's seed.</summary>
    internal TrainerOptions TrainingFor(int seed) => Training with { WarmStart = WarmStart?.Network, Seed = seed };

    /// <summary>Checks the options on their own (columns are checked against the data later).</summary>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(FeatureColumnName))
            throw new ArgumentException("FeatureColumnName must name the feature column.", nameof(FeatureColumnName));
        if (Tasks is null || Tasks.Count == 0)
            throw new ArgumentException("Tasks is empty: give at least one task (name, label column, kind).", nameof(Tasks));
        ArgumentNullException.ThrowIfNull(Network, nameof(Network));
        ArgumentNullException.ThrowIfNull(Training, nameof(Training));
        var definitions = Tasks.Select(t => t.DefinitionForChecks).ToArray();
        TaskDefinition.ValidateList(definitions, nameof(Tasks));
        var sharedLabel = Tasks.GroupBy(t => t.LabelColumnName, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (sharedLabel is not null)
            throw new ArgumentException($"Tasks {string.Join(" and ", sharedLabel.Select(t => $"'{t.Name}'"))} both learn from label column '{sharedLabel.Key}'; " +
                "give each task its own label column.", nameof(Tasks));
        if (MemoryLimitMegabytes is <= 0)
            throw new ArgumentOutOfRangeException(nameof(MemoryLimitMegabytes), MemoryLimitMegabytes, "MemoryLimitMegabytes must be > 0 (or null for 80% of the available memory).");
        Network.ValidateTasks(definitions);
        if (ShuffleBufferRows is <= 0)
            throw new ArgumentOutOfRangeException(nameof(ShuffleBufferRows), ShuffleBufferRows, "ShuffleBufferRows must be > 0 (or null to train in memory).");
        _ = new MultiTaskTrainer(Network, TrainingFor(Training.SeedOrDefault));
    }
}
