using MlNetMtl.Data;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Networks.Domains;
using MlNetMtl.Networks.Encoders;
using MlNetMtl.Training.Checkpoints;
using MlNetMtl.Training.Privacy;

namespace MlNetMtl.Training;

/// <summary>
/// Trains a <see cref="MultiTaskNetwork"/> of any architecture with mini-batch gradient descent on the loss-weighted sum of the
/// tasks' losses, with an optional validation split, early stopping and restoration of the best weights.
/// On one thread a fixed seed gives bit-identical weights.
/// </summary>
public sealed class MultiTaskTrainer
{
    private readonly NetworkOptions _network;
    private readonly TrainerOptions _training;
    private readonly FieldLayout? _fields;
    private readonly DomainLayout? _domains;

    /// <summary>Creates a trainer; null options take the documented defaults.</summary>
    /// <param name="network">The architecture, its sizes and its input encoder.</param>
    /// <param name="training">The optimisation.</param>
    /// <param name="fields">The fields of the feature rows, for the embedding encoder (null: one field per slot).</param>
    /// <param name="domains">Where each row's domain is in the feature rows, for scenario-aware networks (null: no domains).</param>
    /// <exception cref="ArgumentException">An option is out of range (the option is named).</exception>
    public MultiTaskTrainer(NetworkOptions? network = null, TrainerOptions? training = null, FieldLayout? fields = null, DomainLayout? domains = null)
    {
        _network = network ?? new SharedBottomOptions();
        _training = training ?? new TrainerOptions();
        _fields = fields;
        _domains = domains;
        _network.Validate();
        _training.Validate();
        if (_domains is not null && _training.Privacy.Enabled)
            throw new ArgumentException($"DP-SGD does not yet clip the per-example gradients of domain weights: train with domain column '{_domains.Column}' or with privacy, not both.", nameof(domains));
    }

    /// <summary>Trains a new network on <paramref name="train"/>.</summary>
    /// <param name="train">The training rows.</param>
    /// <param name="validation">
    /// Rows for early stopping, with the same tasks and input width. When null, <see cref="TrainerOptions.ValidationFraction"/>
    /// of <paramref name="train"/> is held out instead.
    /// </param>
    /// <param name="progress">Receives a report after every epoch.</param>
    /// <param name="cancellationToken">Stops training between mini-batches.</param>
    /// <exception cref="ArgumentException">The validation set does not match the training set, or too few rows remain to train.</exception>
    /// <exception cref="InvalidOperationException">Training diverged (a loss became NaN or infinite); lower the learning rate.</exception>
    public TrainingResult Fit(MultiTaskDataset train, MultiTaskDataset? validation = null, IProgress<EpochReport>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (validation is not null)
            CheckCompatible(train, validation);
        CheckCheckpointStart();
        var users = train.Users;
        train = _network.PrepareData(train);
        validation = validation is null ? null : _network.PrepareData(validation);

        var random = new ResumableRandom(_training.SeedOrDefault);
        var (trainRows, heldOutRows) = Split(train.Rows, validation is null ? _training.ValidationFraction : 0, random);
        if (trainRows.Length == 0)
            throw new ArgumentException($"No training rows remain (the data set has {train.Rows} rows).", nameof(train));
        var validationSet = validation ?? (heldOutRows.Length > 0 ? train : null);
        int[] validationRows = validation is not null ? Enumerable.Range(0, validation.Rows).ToArray() : heldOutRows;
        int capacity = Math.Min(_training.BatchSize, Math.Max(trainRows.Length, validationRows.Length));
        var epochs = new InMemoryBatches(train, trainRows, capacity);
        var positiveWeights = train.Tasks.Select((task, t) => PositiveWeight(task, train.Labels[t])).ToArray();
        CheckSomeRowNamesADomain(train.Features, trainRows);
        var privacy = PlanPrivacy(trainRows, users);
        var checkpoint = _training.Checkpoint is { } where ? new CheckpointPlan(where, RunSignature.Of(_network, _training, train, validation)) : null;
        var result = Train(train.Tasks, train.Features.Dimension, train.Features is SparseFeatures ? train.Features.MeanValuesPerRow : null,
            epochs, validationSet, validationRows, positiveWeights, random, progress, cancellationToken, privacy, checkpoint);
        if (_training is { ForgetUnseenSlots: true, WarmStart: null, Pretrained: null } && privacy is null)
            ForgetUnseenSlots(result.Network, SeenSlots(train.Features, trainRows));
        return result;
    }

    /// <summary>
    /// Throws when the checkpoint cannot be resumed or would be overwritten — in the process that writes checkpoints only
    /// (rank 0 of several): on resume it sends the file to the others, which may run on hosts without it.
    /// </summary>
    private void CheckCheckpointStart()
    {
        if (_training.Distributed is not { Rank: > 0 })
            _training.Checkpoint?.CheckStart();
    }

    /// <summary>Throws when no training row names a domain: the domain column is empty, or not what the layout says.</summary>
    private void CheckSomeRowNamesADomain(FeatureMatrix features, int[] rows)
    {
        if (_domains is null)
            return;
        var seen = SeenSlots(features, rows).AsSpan(_domains.Start, _domains.Count);
        if (!seen.Contains(true))
            throw new ArgumentException($"No training row names a domain of domain column '{_domains.Column}' (every value is empty or unseen).", "train");
    }

    /// <summary>Which feature slots some of <paramref name="rows"/> set to a non-zero value.</summary>
    private static bool[] SeenSlots(FeatureMatrix features, int[] rows)
    {
        var seen = new bool[features.Dimension];
        if (features is SparseFeatures sparse)
        {
            foreach (int row in rows)
                for (int k = sparse.RowStarts[row]; k < sparse.RowStarts[row + 1]; k++)
                    seen[sparse.Indices[k]] |= sparse.Values[k] != 0;
            return seen;
        }
        var dense = (DenseFeatures)features;
        foreach (int row in rows)
        {
            var values = dense.Row(row);
            for (int j = 0; j < values.Length; j++)
                seen[j] |= values[j] != 0;
        }
        return seen;
    }

    /// <summary>Zeroes the input layers' weight rows of the slots training never set (they kept their random initial values).</summary>
    private static void ForgetUnseenSlots(MultiTaskNetwork network, bool[] seen)
    {
        foreach (var weight in network.InputLayerWeights)
        {
            if (weight.Rows != seen.Length)
                continue;
            for (int slot = 0; slot < seen.Length; slot++)
                if (!seen[slot])
                    weight.Value.AsSpan(slot * weight.Columns, weight.Columns).Clear();
        }
    }

    /// <summary>
    /// Trains a new network on rows streamed from <paramref name="train"/>, pass after pass, shuffled through a buffer
    /// of <paramref name="shuffleBufferRows"/> rows, so memory stays bounded whatever the number of rows. A first
    /// pass counts the rows; when they all fit in the buffer, training is exactly the in-memory
    /// <see cref="Fit(MultiTaskDataset, MultiTaskDataset?, IProgress{EpochReport}?, CancellationToken)"/> on them.
    /// Otherwise, without <paramref name="validation"/>, each row is held out with probability
    /// <see cref="TrainerOptions.ValidationFraction"/> (seeded by its position), and the first held-out rows, up to
    /// the buffer's size, form the validation set. With <see cref="TrainerOptions.Checkpoint"/>, the first pass also
    /// hashes every row (a resumed run must stream the same rows), and a resumed run reads the stream again up to the
    /// checkpoint's position to refill the buffer as it was.
    /// </summary>
    /// <exception cref="ArgumentException">A row is invalid (its position is named), the stream has no rows, or the architecture prepares its labels from the whole data set (ESMM).</exception>
    public TrainingResult Fit(IRowStream train, int shuffleBufferRows, MultiTaskDataset? validation = null, IProgress<EpochReport>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shuffleBufferRows);
        CheckCheckpointStart();
        var scan = StreamScan.Run(train, shuffleBufferRows, validation is null ? _training.ValidationFraction : 0, _training.SeedOrDefault,
            fingerprint: _training.Checkpoint is not null, cancellationToken);
        if (scan.AllRows is { } all)
            return Fit(all, validation, progress, cancellationToken);
        if (_training.Privacy.Enabled)
            throw new ArgumentException($"DP-SGD samples each step from all training rows at once, and these rows do not fit the shuffle buffer ({shuffleBufferRows:N0} rows): " +
                "train in memory (a larger buffer) or without privacy.", nameof(train));
        if (_network is EsmmOptions)
            throw new ArgumentException("ESMM derives its CTCVR labels from the whole data set: train it in memory (no shuffle buffer).", nameof(train));
        var tasks = train.Tasks;
        if (validation is not null)
            CheckCompatible(tasks, train.Dimension, validation);
        var validationSet = validation ?? scan.Validation;
        int[] validationRows = validationSet is null ? [] : Enumerable.Range(0, validationSet.Rows).ToArray();
        int capacity = _training.BatchSize;
        using var epochs = new ShuffledStream(train, scan.Buffer, capacity, scan.TrainingRows, scan.IsHeldOut);
        var positiveWeights = tasks.Select((task, t) => PositiveWeight(task, scan.Positives[t], scan.Labelled[t])).ToArray();
        var checkpoint = _training.Checkpoint is { } where
            ? new CheckpointPlan(where, RunSignature.OfStream(_network, _training, tasks, train.Dimension, scan.Rows, scan.Fingerprint!, shuffleBufferRows, validation))
            : null;
        return Train(tasks, train.Dimension, scan.Buffer.IsSparse ? scan.MeanValuesPerRow : null, epochs, validationSet, validationRows, positiveWeights,
            new ResumableRandom(_training.SeedOrDefault), progress, cancellationToken, checkpoint: checkpoint);
    }

    private TrainingResult Train(IReadOnlyList<TaskDefinition> tasks, int dimension, double? firstLayerFanIn, IEpochBatches epochs,
        MultiTaskDataset? validationSet, int[] validationRows, float[] positiveWeights, ResumableRandom random, IProgress<EpochReport>? progress,
        CancellationToken cancellationToken, PrivateTraining? privacy = null, CheckpointPlan? checkpoint = null)
    {
        var network = MultiTaskNetwork.Create(dimension, tasks, _network, _training.SeedOrDefault, firstLayerFanIn, _fields, _domains);
        var inherited = _training.WarmStart is { } start ? WarmStart(network, start) : [];
        if (_training.Pretrained is { } pretrained)
            LoadPretrained(network, pretrained);
        foreach (var (name, imbalance) in _training.Imbalance)
        {
            var task = tasks.FirstOrDefault(t => t.Name == name)
                ?? throw new ArgumentException($"Imbalance is set for '{name}', which is not one of the tasks ({string.Join(", ", tasks.Select(t => t.Name))}).", "train");
            if (task.Kind != TaskKind.Binary)
                throw new ArgumentException($"Imbalance settings apply to binary tasks; '{name}' is {task.Kind}.", "train");
        }
        if (_training.EarlyStoppingTask is { } stoppingTask && tasks.All(t => t.Name != stoppingTask))
            throw new ArgumentException($"EarlyStoppingTask '{stoppingTask}' is not one of the tasks ({string.Join(", ", tasks.Select(t => t.Name))}).", "train");
        var frozen = _training.Freeze switch
        {
            FreezeMode.Shared => network.SharedParameters.ToHashSet(),
            FreezeMode.WarmStarted => inherited.ToHashSet(),
            _ => [],
        };
        using var session = new TrainingSession(network, network.Parameters.Where(p => !frozen.Contains(p)).ToArray(), epochs, validationSet, positiveWeights, _training, random, privacy, checkpoint);
        return session.Run(validationRows, progress, cancellationToken);
    }

    /// <summary>The DP-SGD plan over the training rows (and their users), or null without privacy.</summary>
    private PrivateTraining? PlanPrivacy(int[] trainRows, int[]? users)
    {
        var privacy = _training.Privacy;
        if (!privacy.Enabled)
            return null;
        if (privacy.UserColumn is { } column && users is null)
            throw new ArgumentException($"User-level privacy (unit {privacy.Unit}) needs each row's user: the data set has no user ids (read them from column '{column}').", "train");
        if (privacy.UserColumn is null)
            users = null;
        foreach (var (task, imbalance) in _training.Imbalance)
            if (imbalance.AutoPositiveWeight)
                throw new ArgumentException($"Task '{task}': an automatic positive weight is computed from the training labels, which DP-SGD's guarantee does not cover; give PositiveWeight explicitly.", "train");
        int units = users is null ? trainRows.Length : trainRows.Select(r => users[r]).Distinct().Count();
        var plan = PrivacyGuarantee.Plan(privacy, units, trainRows.Length, _training.BatchSize, _training.Epochs);
        return new PrivateTraining(plan, trainRows, users);
    }

    /// <summary>Copies every parameter of <paramref name="start"/> into the parameter of the same name and shape; returns those.</summary>
    private static List<Parameter> WarmStart(MultiTaskNetwork network, MultiTaskNetwork start)
    {
        if (start.GetType() != network.GetType() || start.Options.Architecture != network.Options.Architecture)
            throw new ArgumentException($"The warm-start network is {start.Options.Architecture}; this run trains {network.Options.Architecture}.", nameof(start));
        if (start.InputDimension != network.InputDimension)
            throw new ArgumentException($"The warm-start network reads {start.InputDimension} features; these data have {network.InputDimension}.", nameof(start));
        var byName = start.Parameters.ToDictionary(p => p.Name);
        var copied = new List<Parameter>();
        foreach (var parameter in network.Parameters)
            if (byName.TryGetValue(parameter.Name, out var source) && source.Rows == parameter.Rows && source.Columns == parameter.Columns)
            {
                source.Value.CopyTo(parameter.Value, 0);
                copied.Add(parameter);
            }
        if (copied.Count == 0)
            throw new ArgumentException("No parameter of the warm-start network matches this network by name and shape.", nameof(start));
        return copied;
    }

    /// <summary>Copies the pretrained vectors into the input layers' weight rows they name.</summary>
    private static void LoadPretrained(MultiTaskNetwork network, PretrainedVectors pretrained)
    {
        if (pretrained.FirstColumn + pretrained.Rows > network.InputDimension)
            throw new ArgumentException($"{pretrained.Rows} pretrained vectors from input column {pretrained.FirstColumn} run past the input width {network.InputDimension}.", nameof(pretrained));
        foreach (var weight in network.InputLayerWeights)
        {
            if (weight.Columns != pretrained.Columns)
                throw new ArgumentException($"The pretrained vectors have width {pretrained.Columns}; '{weight.Name}' has {weight.Columns} units: make the first layer (or, with embeddings, --embedding-size) as wide as the vectors.", nameof(pretrained));
            pretrained.Values.CopyTo(weight.Value, pretrained.FirstColumn * weight.Columns);
        }
    }

    private static void CheckCompatible(MultiTaskDataset train, MultiTaskDataset validation) =>
        CheckCompatible(train.Tasks, train.Features.Dimension, validation);

    private static void CheckCompatible(IReadOnlyList<TaskDefinition> tasks, int dimension, MultiTaskDataset validation)
    {
        if (validation.Features.Dimension != dimension)
            throw new ArgumentException($"Validation rows have width {validation.Features.Dimension}; training rows have {dimension}.", nameof(validation));
        if (validation.Tasks.Count != tasks.Count)
            throw new ArgumentException($"Validation has {validation.Tasks.Count} tasks; training has {tasks.Count}.", nameof(validation));
        for (int t = 0; t < tasks.Count; t++)
            if (validation.Tasks[t].Name != tasks[t].Name || validation.Tasks[t].Kind != tasks[t].Kind)
                throw new ArgumentException($"Validation task {t} is '{validation.Tasks[t].Name}' ({validation.Tasks[t].Kind}); training task {t} is '{tasks[t].Name}' ({tasks[t].Kind}).", nameof(validation));
        if (validation.Rows == 0)
            throw new ArgumentException("The validation set has no rows.", nameof(validation));
    }

    private float PositiveWeight(TaskDefinition task, float[] labels) =>
        PositiveWeight(task, labels.Count(l => l == 1f), labels.Count(l => !float.IsNaN(l)));

    /// <summary>The task's explicit positive weight, or (1 − π)/π from the labelled rows' positive rate π; 1 without imbalance settings.</summary>
    private float PositiveWeight(TaskDefinition task, long positives, long labelled)
    {
        if (_training.Imbalance.GetValueOrDefault(task.Name) is not { } imbalance)
            return 1f;
        if (!imbalance.AutoPositiveWeight)
            return imbalance.PositiveWeight;
        return positives == 0 || positives == labelled ? 1f : (float)(labelled - positives) / positives;
    }

    /// <summary>A seeded permutation of the rows; the last <paramref name="fraction"/> of it is held out.</summary>
    private static (int[] Train, int[] HeldOut) Split(int rows, double fraction, Random random)
    {
        var order = Enumerable.Range(0, rows).ToArray();
        random.Shuffle(order);
        int heldOut = (int)Math.Round(rows * fraction);
        return (order[..(rows - heldOut)], order[(rows - heldOut)..]);
    }
}
