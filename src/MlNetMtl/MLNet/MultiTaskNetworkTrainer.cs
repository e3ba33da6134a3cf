using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MlNetMtl.Data;
using MlNetMtl.MLNet.Persistence;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Encoders;
using MlNetMtl.Training;

namespace MlNetMtl.MLNet;

/// <summary>
/// The ML.NET estimator of a multi-task network (architecture chosen in its options). <see cref="Fit(IDataView)"/> reads the feature and
/// label columns in one pass into compact buffers — or, with <see cref="MultiTaskNetworkTrainerOptions.ShuffleBufferRows"/>, streams them
/// pass after pass — trains, and returns a <see cref="MultiTaskTransformer"/>. It is a citizen of its <see cref="MLContext"/>: the
/// context's seed is the default seed, each epoch is logged to <c>MLContext.Log</c>, and a cancelled context stops training
/// between mini-batches. Create it with <c>mlContext.MultiTask().SharedBottom(…)</c>, <c>.Mmoe(…)</c> or <c>.Network(options)</c>.
/// </summary>
public sealed class MultiTaskNetworkTrainer : IEstimator<MultiTaskTransformer>
{
    private readonly MLContext _context;
    private readonly MultiTaskNetworkTrainerOptions _options;
    private readonly TaskColumn[] _tasks;

    internal MultiTaskNetworkTrainer(MLContext context, MultiTaskNetworkTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _context = context;
        _options = options;
        _tasks = options.Tasks.ToArray();
    }

    /// <summary>Trains on <paramref name="input"/>, holding out <see cref="TrainerOptions.ValidationFraction"/> of it for early stopping.</summary>
    /// <exception cref="ArgumentException">A column is missing or of the wrong type, a value is NaN, a binary label is not 0/1 or has one class only (the column is named).</exception>
    public MultiTaskTransformer Fit(IDataView input) => Fit(input, null);

    /// <summary>Trains on <paramref name="trainData"/>, early-stopping on <paramref name="validationData"/> when it is given.</summary>
    /// <exception cref="ArgumentException">A column is missing or of the wrong type, a value is NaN, a binary label is not 0/1 or has one class only (the column is named).</exception>
    public MultiTaskTransformer Fit(IDataView trainData, IDataView? validationData) => Fit(trainData, validationData, CancellationToken.None);

    /// <summary>
    /// As <see cref="Fit(IDataView, IDataView?)"/>, stopping between mini-batches with an <see cref="OperationCanceledException"/> when
    /// <paramref name="cancellationToken"/> is cancelled (or the context's execution is).
    /// </summary>
    public MultiTaskTransformer Fit(IDataView trainData, IDataView? validationData, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trainData);
        ColumnRules.CheckNoCollision(trainData.Schema.Select(c => c.Name), _tasks, Auxiliary);
        var tasks = TaskClasses.Resolve(trainData, _tasks);
        ColumnRules.Check(trainData.Schema, _options.FeatureColumnName, tasks);
        IHost host = ((IHostEnvironment)_context).Register(nameof(MultiTaskNetworkTrainer));
        int seed = _options.Training.Seed ?? MlNetInternals.Seed(_context) ?? host.Rand.Next();
        var network = _options.Network;
        var training = _options.TrainingFor(seed);
        var feature = trainData.Schema[_options.FeatureColumnName];
        int width = ((VectorDataViewType)feature.Type).Size;
        var fields = network.Encoder.Encoding == InputEncoding.OneHot ? null : _options.Fields ?? FieldLayouts.FromSchema(trainData.Schema, _options.FeatureColumnName, network.Encoder.Encoding);
        if (fields is not null && fields.Dimension != width)
            throw new ArgumentException($"Fields cover {fields.Dimension} slots; feature column '{_options.FeatureColumnName}' has {width}.", nameof(trainData));
        var domains = _options.DomainColumn is { } domainColumn ? DomainLayouts.FromSchema(trainData.Schema, _options.FeatureColumnName, domainColumn) : null;
        long parameters = ResourceCheck.Parameters(network, tasks.Select(t => t.Definition).ToArray(), width, fields, domains?.Count ?? 0);
        ResourceCheck.Check(feature, parameters, training.Threads, dataBytes: 0, _options.MemoryLimitBytes);

        using var cancellation = new ContextCancellation(_context, cancellationToken);
        using var channel = host.Start("Training");
        var progress = new EpochLog(channel, tasks, _options.Progress);
        var token = cancellation.Token;
        var validation = validationData is null ? null : TrainingDataReader.Read(validationData, _options.FeatureColumnName, tasks, _options.WeightColumnName, token);
        var trainer = new MultiTaskTrainer(network, training, fields, domains);
        TrainingResult result;
        if (_options.ShuffleBufferRows is { } bufferRows)
        {
            ResourceCheck.Check(feature, parameters, training.Threads, Bytes(validation), _options.MemoryLimitBytes);
            result = trainer.Fit(new DataViewRowStream(trainData, _options.FeatureColumnName, tasks, _options.WeightColumnName), bufferRows, validation, progress, token);
        }
        else
        {
            var rows = TrainingDataReader.Read(trainData, _options.FeatureColumnName, tasks, _options.WeightColumnName, token, training.Privacy.Enabled ? training.Privacy.UserColumn : null);
            ResourceCheck.Check(feature, parameters, training.Threads, Bytes(rows) + Bytes(validation), _options.MemoryLimitBytes);
            result = trainer.Fit(rows, validation, progress, token);
        }
        channel.Info(MessageSensitivity.None, $"Trained {result.Epochs.Count} epochs; kept epoch {result.BestEpoch} (seed {seed}).");
        return new MultiTaskTransformer(result.Network, _options.FeatureColumnName, tasks, result.Epochs, result.BestEpoch) { Privacy = result.Privacy };
    }

    /// <summary>The memory a data set's rows hold.</summary>
    private static long Bytes(MultiTaskDataset? data) => data is null ? 0
        : (long)(data.Features.MeanValuesPerRow * data.Rows) * (data.Features is DenseFeatures ? sizeof(float) : sizeof(float) + sizeof(int))
          + (long)data.Rows * data.Tasks.Count * sizeof(float);

    /// <summary>The architecture's outputs beyond one per task (ESMM's pCVR).</summary>
    private IReadOnlyList<AuxiliaryOutput> Auxiliary => _options.Network.AuxiliaryOutputs(_tasks.Select(t => t.DefinitionForChecks).ToArray());

    /// <summary>The input columns followed by each task's output columns; checks the feature and label columns first.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ColumnRules.Check(inputSchema, _options.FeatureColumnName, _tasks, _options.WeightColumnName);
        ColumnRules.CheckNoCollision(inputSchema.Select(c => c.Name), _tasks, Auxiliary);
        return new SchemaShape(inputSchema.Concat(OutputShapes.For(_tasks, Auxiliary, inputSchema)));
    }
}
