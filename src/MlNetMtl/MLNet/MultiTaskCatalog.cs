using Microsoft.ML;
using MlNetMtl.Data;
using MlNetMtl.IO;
using MlNetMtl.MLNet.Evaluation;
using MlNetMtl.MLNet.Persistence;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Architectures;

namespace MlNetMtl.MLNet;

/// <summary>
/// The multi-task entry point of an <see cref="MLContext"/>: <c>mlContext.MultiTask()</c>. Creating it also
/// registers MlNetMtl's model loader with that context, so <c>mlContext.Model.Load</c> reads our models.
/// </summary>
public sealed class MultiTaskCatalog
{
    private readonly MLContext _context;

    internal MultiTaskCatalog(MLContext context)
    {
        _context = context;
        MlNetInternals.Register(context);
    }

    /// <summary>
    /// The columns of <paramref name="inputSchema"/> that <paramref name="model"/> cannot do without: those whose absence makes
    /// its output schema fail (labels, weights and unused columns are not among them). What a caller must send to score a row.
    /// </summary>
    public IReadOnlyList<DataViewSchema.Column> InputColumns(ITransformer model, DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        return inputSchema.Where(c => !c.IsHidden).Where(column =>
        {
            var builder = new DataViewSchema.Builder();
            foreach (var other in inputSchema.Where(c => c.Name != column.Name))
                builder.AddColumn(other.Name, other.Type, other.Annotations);
            try
            {
                model.GetOutputSchema(builder.ToSchema());
                return false;
            }
            catch (Exception error) when (error is ArgumentException or InvalidOperationException)
            {
                return true;
            }
        }).ToArray();
    }

    /// <summary>The context this catalog belongs to (for catalog extensions in MlNetMtl's other packages).</summary>
    internal MLContext Context => _context;

    /// <summary>A shared-bottom trainer over <paramref name="featureColumnName"/> with default options.</summary>
    /// <param name="featureColumnName">The feature column (known-size vector of Single).</param>
    /// <param name="tasks">The tasks: name, label column, kind, loss weight.</param>
    public MultiTaskNetworkTrainer SharedBottom(string featureColumnName, params TaskColumn[] tasks) =>
        new(_context, new MultiTaskNetworkTrainerOptions { FeatureColumnName = featureColumnName, Tasks = tasks.ToList() });

    /// <summary>An MMoE trainer (one gate per task over <paramref name="expertCount"/> experts) with default options otherwise.</summary>
    public MultiTaskNetworkTrainer Mmoe(string featureColumnName, int expertCount, params TaskColumn[] tasks) =>
        Network(featureColumnName, new MmoeOptions { ExpertCount = expertCount }, tasks);

    /// <summary>A trainer of the architecture <paramref name="network"/> describes (e.g. <c>new PleOptions { Levels = 1 }</c>), trained with default options.</summary>
    public MultiTaskNetworkTrainer Network(string featureColumnName, NetworkOptions network, params TaskColumn[] tasks) =>
        new(_context, new MultiTaskNetworkTrainerOptions { FeatureColumnName = featureColumnName, Tasks = tasks.ToList(), Network = network });

    /// <summary>A trainer with every option given, the architecture included.</summary>
    public MultiTaskNetworkTrainer Network(MultiTaskNetworkTrainerOptions options) => new(_context, options);

    /// <summary>
    /// Cancels this context's execution: a multi-task trainer of the context stops between mini-batches with an
    /// <see cref="OperationCanceledException"/>, and so does ML.NET's own work in it. (ML.NET 5.0.1 keeps
    /// <c>MLContext.CancelExecution</c> internal; this calls it.) A context cannot be resumed once cancelled.
    /// </summary>
    public void CancelExecution() => MlNetInternals.CancelExecution(_context);

    /// <summary>
    /// Evaluates every task of data scored by <paramref name="model"/> with ML.NET's evaluators (binary: AUC,
    /// accuracy, precision, recall, F1, log-loss…; regression: RMSE, MAE, R²).
    /// </summary>
    public MultiTaskMetrics Evaluate(IDataView scored, MultiTaskTransformer model) => Evaluate(scored, model.Tasks);

    /// <summary>Evaluates the given tasks of scored data (their label columns and output columns must be present).</summary>
    public MultiTaskMetrics Evaluate(IDataView scored, IEnumerable<TaskColumn> tasks) => MultiTaskEvaluator.Evaluate(_context, scored, tasks);

    /// <summary>
    /// Evaluates every task per value of <paramref name="domainColumnName"/> (an app tab, a country): each domain's rows
    /// exactly as if they were the only rows, the metrics over all rows, and per task the row-weighted mean over domains;
    /// with <paramref name="groupColumnName"/> (a user id) also each binary task's GAUC per domain. A domain whose rows
    /// hold one class of a task leaves that task out for it, saying why.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The domain column is missing (named).</exception>
    /// <exception cref="InvalidDataException">A row's domain is empty (the row is named).</exception>
    public DomainEvaluation EvaluateByDomain(IDataView scored, IEnumerable<TaskColumn> tasks, string domainColumnName, string? groupColumnName = null) =>
        DomainEvaluator.Evaluate(_context, scored, tasks.ToArray(), domainColumnName, groupColumnName);

    /// <summary>
    /// Group AUC of a binary task: the mean of per-group AUCs weighted by each group's row count, over the groups
    /// of <paramref name="groupColumnName"/> (e.g. a user id) that hold both classes; the others are counted as skipped.
    /// </summary>
    public GroupAucResult GroupAuc(IDataView scored, TaskColumn task, string groupColumnName) => GroupAucEvaluator.Evaluate(scored, task, groupColumnName);

    /// <summary>
    /// A membership-inference audit of <paramref name="model"/>: a loss-threshold attack telling rows of <paramref name="trainingData"/>
    /// (the rows it was trained on) from rows of <paramref name="heldOutData"/> (rows it never saw), at most <paramref name="maxRowsEach"/> of
    /// each: the attack's AUC and the ε it proves. A DP-trained model's proven ε stays below its guarantee; a model that memorises does not.
    /// </summary>
    /// <exception cref="ArgumentException">The model holds no multi-task transformer, or a data set lacks the model's columns or labels.</exception>
    public PrivacyAuditResult PrivacyAudit(ITransformer model, IDataView trainingData, IDataView heldOutData, int maxRowsEach = 10_000) =>
        Evaluation.PrivacyAudit.Run(model, trainingData, heldOutData, maxRowsEach, MlNetInternals.Seed(_context) ?? Training.TrainerOptions.DefaultSeed);

    /// <summary>
    /// Mean gate weight per task per expert (of the last level) of an MMoE, OMoE or PLE model over
    /// <paramref name="data"/> (which holds the model's feature column).
    /// </summary>
    /// <exception cref="ArgumentException">The model is not a mixture of experts.</exception>
    public GateUtilisation GateUtilisation(IDataView data, MultiTaskTransformer model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Network is not MixtureOfExpertsNetwork experts)
            throw new ArgumentException($"Gate utilisation needs a mixture-of-experts model; this one is {model.Network.Options.Architecture}.", nameof(model));
        var features = TrainingDataReader.ReadFeatures(data, model.FeatureColumnName);
        var weights = features switch
        {
            SparseFeatures sparse => experts.MeanGateWeights(InputBatch.FromSparse(sparse.AsCsr())),
            DenseFeatures dense => experts.MeanGateWeights(InputBatch.FromDense(dense.Values, dense.Rows, dense.Dimension)),
            _ => throw new NotSupportedException(features.GetType().Name),
        };
        return new GateUtilisation(model.Tasks.Select(t => t.Name).ToArray(), experts.ExpertNames, weights);
    }

    /// <summary>
    /// Multi-task gain: trains the model of <paramref name="options"/> on every task, then the same architecture on each
    /// task alone, evaluates all on <paramref name="test"/> (featurized like <paramref name="train"/>), and reports each
    /// task's relative gain and their mean Δp (LibMTL's definition).
    /// </summary>
    public MultiTaskGainReport MultiTaskGain(IDataView train, IDataView test, MultiTaskNetworkTrainerOptions options, IProgress<TaskGain>? progress = null) =>
        MultiTaskGainEvaluator.Measure(_context, train, test, options, progress);

    /// <summary>
    /// Saves <paramref name="model"/> like <c>mlContext.Model.Save</c>, but atomically: the file is written beside
    /// <paramref name="path"/> and moved into place only when complete, so a failed save leaves no partial file
    /// (and an existing file untouched).
    /// </summary>
    public void SaveModel(ITransformer model, DataViewSchema inputSchema, string path) =>
        AtomicFile.Write(path, (string temporary) => _context.Model.Save(model, inputSchema, temporary));

    /// <summary>Loads a model saved by <see cref="SaveModel"/> or <c>mlContext.Model.Save</c>.</summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a readable model (corrupt, truncated, or not a model).</exception>
    public ITransformer LoadModel(string path, out DataViewSchema inputSchema)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException(Directory.Exists(path) ? $"'{path}' is a folder, not a model file." : $"No model file at '{path}'.", path);
        CheckArchive(path);
        try
        {
            return _context.Model.Load(path, out inputSchema);
        }
        catch (Exception error) when (error is not NotSupportedException)
        {
            throw new InvalidDataException($"'{path}' is not a readable model: {Cause(error).Message}", error);
        }
    }

    /// <summary>
    /// Checks the model's zip archive before ML.NET reads it: each entry's content against its CRC-32 (.NET's zip reader
    /// does not), except our own entry, which its SHA-256 covers; and the input schema, which ML.NET would miss with
    /// "Value cannot be null".
    /// </summary>
    private static void CheckArchive(string path)
    {
        // .NET's zip reader reports a file shorter than a zip's end record as "Invalid argument", naming only the path.
        long length = new FileInfo(path).Length;
        if (length < MinimumZipLength)
            throw new InvalidDataException($"'{path}' is not a readable model: it holds {length} bytes, and a model is a zip archive of at least {MinimumZipLength}.");
        try
        {
            using var zip = System.IO.Compression.ZipFile.OpenRead(path);
            foreach (var entry in zip.Entries)
                CheckEntry(entry);
            if (zip.GetEntry("Schema") is null)
                throw new InvalidDataException($"'{path}' lacks its input schema (the zip entry 'Schema'): save the model with the input schema, " +
                    "as mlContext.MultiTask().SaveModel(model, data.Schema, path) does.");
        }
        catch (InvalidDataException error) when (!error.Message.StartsWith($"'{path}'", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"'{path}' is not a readable model: {error.Message}", error);
        }
    }

    /// <summary>The size of an empty zip archive: its end-of-central-directory record alone.</summary>
    private const int MinimumZipLength = 22;

    private static void CheckEntry(System.IO.Compression.ZipArchiveEntry entry)
    {
        var crc = new System.IO.Hashing.Crc32();
        var buffer = new byte[1 << 16];
        using var content = entry.Open();
        int read = content.ReadAtLeast(buffer, Math.Min(buffer.Length, 1024), throwOnEndOfStream: false);
        if (buffer.AsSpan(0, read).IndexOf(MultiTaskModelFormat.MagicBytes) >= 0)
            return; // our payload: its SHA-256 is checked as it is read
        while (read > 0)
        {
            crc.Append(buffer.AsSpan(0, read));
            read = content.Read(buffer);
        }
        if (crc.GetCurrentHashAsUInt32() != entry.Crc32)
            throw new InvalidDataException($"Its entry '{entry.FullName}' fails its CRC check: the file is damaged.");
    }

    /// <summary>Our own InvalidDataException if one is in the chain, else the innermost exception (ML.NET wraps loader errors).</summary>
    private static Exception Cause(Exception error)
    {
        var innermost = error;
        for (var current = error; current is not null; current = current.InnerException)
        {
            if (current is InvalidDataException)
                return current;
            innermost = current;
        }
        return innermost;
    }

    /// <summary>The tasks of a data set, as trainer task columns whose label columns bear the tasks' names.</summary>
    public static TaskColumn[] TaskColumns(IEnumerable<TaskDefinition> tasks) =>
        tasks.Select(t => new TaskColumn(t.Name, t.Name, t.Kind, t.LossWeight, classCount: t.ClassCount)).ToArray();
}
