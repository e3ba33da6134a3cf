using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.MLNet.Persistence;
using MlNetMtl.Networks;
using MlNetMtl.Training;

namespace MlNetMtl.MLNet;

/// <summary>
/// A trained multi-task model as an ML.NET transformer: appends each task's columns (see
/// <see cref="OutputColumnNames"/>) lazily, streams, works with <c>PredictionEngine</c>, and saves with
/// <c>mlContext.Model.Save</c> (load it after <c>mlContext.MultiTask()</c>, or with <c>mlContext.MultiTask().LoadModel(path, out schema)</c>).
/// </summary>
public sealed class MultiTaskTransformer : ITransformer
{
    private long _forwardPasses;

    internal MultiTaskTransformer(MultiTaskNetwork network, string featureColumnName, IReadOnlyList<TaskColumn> tasks, IReadOnlyList<EpochReport> trainingHistory, int bestEpoch = 0)
    {
        BestEpoch = bestEpoch;
        Network = network;
        FeatureColumnName = featureColumnName;
        Tasks = tasks.ToArray();
        TrainingHistory = trainingHistory;
    }

    /// <summary>The trained network; its <see cref="MultiTaskNetwork.Parameters"/> expose the weights read-only.</summary>
    public MultiTaskNetwork Network { get; }
    /// <summary>The feature column the model reads.</summary>
    public string FeatureColumnName { get; }
    /// <summary>The tasks, in output order, with the label columns they were trained on.</summary>
    public IReadOnlyList<TaskColumn> Tasks { get; }
    /// <summary>The 1-based epoch whose weights the model holds; 0 for a loaded model.</summary>
    public int BestEpoch { get; }

    /// <summary>The differential-privacy guarantee of a DP-SGD-trained model (saved with it); null for a model trained without privacy.</summary>
    public Training.Privacy.PrivacyGuarantee? Privacy { get; internal init; }

    /// <summary>Per-epoch losses of the training run; empty for a loaded model (history is not saved).</summary>
    public IReadOnlyList<EpochReport> TrainingHistory { get; }

    /// <summary>Forward passes run so far (one per scored row): lets tests see that unread columns cost nothing.</summary>
    internal long ForwardPasses => Interlocked.Read(ref _forwardPasses);
    internal void CountForwardPass() => Interlocked.Increment(ref _forwardPasses);

    /// <summary>The multi-task transformer inside <paramref name="model"/> (itself, or the last one of a transformer chain), or null.</summary>
    public static MultiTaskTransformer? FindIn(ITransformer model) => model switch
    {
        MultiTaskTransformer transformer => transformer,
        IEnumerable<ITransformer> chain => chain.Select(FindIn).LastOrDefault(t => t is not null),
        _ => null,
    };

    /// <inheritdoc/>
    public bool IsRowToRowMapper => true;

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => new MultiTaskMapping(this, inputSchema).OutputSchema;

    /// <inheritdoc/>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new MultiTaskRowMapper(new MultiTaskMapping(this, inputSchema));

    /// <inheritdoc/>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new MultiTaskDataView(new MultiTaskMapping(this, input.Schema), input);
    }

    void ICanSaveModel.Save(ModelSaveContext ctx) => MlNetInternals.Save(ctx, MlNetInternals.MultiTaskSignature, writer => MultiTaskModelFormat.Write(this, writer));
}
