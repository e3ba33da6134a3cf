using Microsoft.ML;
using MlNetMtl.Networks;
using MlNetMtl.Training;

namespace MlNetMtl;

/// <summary>
/// The ML.NET estimator of a multi-task network (architecture chosen in its options). <see cref="Fit(IDataView)"/> reads the feature and
/// label columns in one pass into compact buffers — or, with <see cref="MultiTaskNetworkTrainerOptions.ShuffleBufferRows"/>, streams them
/// pass after pass — trains, and returns a <see cref="MultiTaskTransformer"/>.
/// Create it with <c>mlContext.MultiTask().SharedBottom(…)</c>, <c>.Mmoe(…)</c> or <c>.Network(options)</c>.
/// </summary>
public sealed class MultiTaskNetworkTrainer : IEstimator<MultiTaskTransformer>
{
    private readonly MultiTaskNetworkTrainerOptions _options;
    private readonly TaskColumn[] _tasks;

    internal MultiTaskNetworkTrainer(MultiTaskNetworkTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _tasks = options.Tasks.ToArray();
    }

    /// <summary>Trains on <paramref name="input"/>, holding out <see cref="MultiTaskNetworkTrainerOptions.ValidationFraction"/> of it for early stopping.</summary>
    /// <exception cref="ArgumentException">A column is missing or of the wrong type, a value is NaN, a binary label is not 0/1 or has one class only (the column is named).</exception>
    public MultiTaskTransformer Fit(IDataView input) => Fit(input, null);

    /// <summary>Trains on <paramref name="trainData"/>, early-stopping on <paramref name="validationData"/> when it is given.</summary>
    /// <exception cref="ArgumentException">A column is missing or of the wrong type, a value is NaN, a binary label is not 0/1 or has one class only (the column is named).</exception>
    public MultiTaskTransformer Fit(IDataView trainData, IDataView? validationData) => Fit(trainData, validationData, CancellationToken.None);

    /// <summary>As <see cref="Fit(IDataView, IDataView?)"/>, stopping between mini-batches with an <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> is cancelled.</summary>
    public MultiTaskTransformer Fit(IDataView trainData, IDataView? validationData, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trainData);
        ColumnRules.CheckNoCollision(trainData.Schema.Select(c => c.Name), _tasks, Auxiliary);
        var tasks = ColumnRules.ResolveClassCounts(trainData.Schema, _tasks);
        var validation = validationData is null ? null : TrainingDataReader.Read(validationData, _options.FeatureColumnName, tasks, _options.WeightColumnName);
        var trainer = new MultiTaskTrainer(_options.NetworkOptions(), _options.TrainingOptions());
        var result = _options.ShuffleBufferRows is { } bufferRows
            ? trainer.Fit(new DataViewRowStream(trainData, _options.FeatureColumnName, tasks, _options.WeightColumnName), bufferRows, validation, _options.Progress, cancellationToken)
            : trainer.Fit(TrainingDataReader.Read(trainData, _options.FeatureColumnName, tasks, _options.WeightColumnName), validation, _options.Progress, cancellationToken);
        return new MultiTaskTransformer(result.Network, _options.FeatureColumnName, tasks, result.Epochs, result.BestEpoch);
    }

    /// <summary>The architecture's outputs beyond one per task (ESMM's pCVR).</summary>
    private IReadOnlyList<AuxiliaryOutput> Auxiliary => _options.NetworkOptions().AuxiliaryOutputs(_tasks.Select(t => t.DefinitionForChecks).ToArray());

    /// <summary>The input columns followed by each task's output columns; checks the feature and label columns first.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ColumnRules.Check(inputSchema, _options.FeatureColumnName, _tasks, _options.WeightColumnName);
        ColumnRules.CheckNoCollision(inputSchema.Select(c => c.Name), _tasks, Auxiliary);
        return new SchemaShape(inputSchema.Concat(OutputShapes.For(_tasks, Auxiliary, inputSchema)));
    }
}
