using System.Diagnostics;
using MlNetMtl.Data;
using MlNetMtl.Networks;

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

    /// <summary>Creates a trainer; null options take the documented defaults.</summary>
    /// <exception cref="ArgumentException">An option is out of range (the option is named).</exception>
    public MultiTaskTrainer(NetworkOptions? network = null, TrainerOptions? training = null)
    {
        _network = network ?? new SharedBottomOptions();
        _training = training ?? new TrainerOptions();
        _network.Validate();
        _training.Validate();
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
        train = _network.PrepareData(train);
        validation = validation is null ? null : _network.PrepareData(validation);

        var random = new Random(_training.Seed);
        var (trainRows, heldOutRows) = Split(train.Rows, validation is null ? _training.ValidationFraction : 0, random);
        if (trainRows.Length == 0)
            throw new ArgumentException($"No training rows remain (the data set has {train.Rows} rows).", nameof(train));
        var validationSet = validation ?? (heldOutRows.Length > 0 ? train : null);
        int[] validationRows = validation is not null ? Enumerable.Range(0, validation.Rows).ToArray() : heldOutRows;
        int capacity = Math.Min(_training.BatchSize, Math.Max(trainRows.Length, validationRows.Length));
        var epochs = new InMemoryBatches(train, trainRows, capacity);
        var positiveWeights = train.Tasks.Select((task, t) => PositiveWeight(task, train.Labels[t])).ToArray();
        return Train(train.Tasks, train.Features.Dimension, train.Features is SparseFeatures ? train.Features.MeanValuesPerRow : null,
            epochs, validationSet, validationRows, positiveWeights, random, progress, cancellationToken);
    }

    /// <summary>
    /// Trains a new network on rows streamed from <paramref name="train"/>, pass after pass, shuffled through a buffer
    /// of <paramref name="shuffleBufferRows"/> rows, so memory stays bounded whatever the number of rows. A first
    /// pass counts the rows; when they all fit in the buffer, training is exactly the in-memory
    /// <see cref="Fit(MultiTaskDataset, MultiTaskDataset?, IProgress{EpochReport}?, CancellationToken)"/> on them.
    /// Otherwise, without <paramref name="validation"/>, each row is held out with probability
    /// <see cref="TrainerOptions.ValidationFraction"/> (seeded by its position), and the first held-out rows, up to
    /// the buffer's size, form the validation set.
    /// </summary>
    /// <exception cref="ArgumentException">A row is invalid (its position is named), the stream has no rows, or the architecture prepares its labels from the whole data set (ESMM).</exception>
    public TrainingResult Fit(IRowStream train, int shuffleBufferRows, MultiTaskDataset? validation = null, IProgress<EpochReport>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shuffleBufferRows);
        var scan = StreamScan.Run(train, shuffleBufferRows, validation is null ? _training.ValidationFraction : 0, _training.Seed, cancellationToken);
        if (scan.AllRows is { } all)
            return Fit(all, validation, progress, cancellationToken);
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
        return Train(tasks, train.Dimension, null, epochs, validationSet, validationRows, positiveWeights, new Random(_training.Seed), progress, cancellationToken);
    }

    private TrainingResult Train(IReadOnlyList<TaskDefinition> tasks, int dimension, double? firstLayerFanIn, IEpochBatches epochs,
        MultiTaskDataset? validationSet, int[] validationRows, float[] positiveWeights, Random random, IProgress<EpochReport>? progress,
        CancellationToken cancellationToken)
    {
        var network = MultiTaskNetwork.Create(dimension, tasks, _network, _training.Seed, firstLayerFanIn);
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
        using var session = new Session(network, network.Parameters.Where(p => !frozen.Contains(p)).ToArray(), epochs, validationSet, positiveWeights, _training, random);
        return session.Run(validationRows, progress, cancellationToken);
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
                throw new ArgumentException($"The pretrained vectors have width {pretrained.Columns}; '{weight.Name}' has {weight.Columns} units: make the first layer as wide as the vectors.", nameof(pretrained));
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

    /// <summary>The state of one training run.</summary>
    private sealed class Session : IDisposable
    {
        private readonly MultiTaskNetwork _network;
        private readonly IReadOnlyList<TaskDefinition> _tasks;
        private readonly IEpochBatches _epochs;
        private readonly MultiTaskDataset? _validation;
        private readonly TrainerOptions _options;
        private readonly Random _random;
        private readonly NetworkWorkspace _workspace;
        private readonly BatchGatherer _trainBatches;
        private readonly BatchGatherer? _validationBatches;
        private readonly IOptimizer _optimizer;
        private readonly Weighting.WeightingState _weighting;
        private readonly int? _stoppingTask;
        private readonly GradientSurgery? _surgery;
        private readonly DataParallelObjective? _parallel;
        private readonly IReadOnlyList<Parameter> _trainable;
        private readonly TaskImbalance?[] _imbalance;
        private readonly float[] _positiveWeights;
        private readonly long _totalSteps;
        private long _step;

        public Session(MultiTaskNetwork network, IReadOnlyList<Parameter> trainable, IEpochBatches epochs, MultiTaskDataset? validation,
            float[] positiveWeights, TrainerOptions options, Random random)
        {
            _network = network;
            _tasks = network.Tasks;
            _epochs = epochs;
            _validation = validation;
            _options = options;
            _random = random;
            _trainBatches = epochs.Batches;
            int capacity = _trainBatches.Capacity;
            _workspace = network.CreateWorkspace(capacity);
            _validationBatches = validation is null ? null : ReferenceEquals(validation, _trainBatches.Data) ? _trainBatches : new BatchGatherer(validation, capacity);
            _weighting = options.Weighting.Start(_tasks, options);
            _surgery = _weighting is Weighting.GradientWeightingState ? new GradientSurgery(network, _workspace, trainable) : null;
            _parallel = _surgery is null && options.Threads > 1 && capacity >= 2 ? new DataParallelObjective(network, _workspace, trainable, options.Threads, options.Seed) : null;
            _stoppingTask = options.EarlyStoppingTask is null ? null : _tasks.Select(t => t.Name).ToList().IndexOf(options.EarlyStoppingTask);
            _imbalance = _tasks.Select(t => options.Imbalance.GetValueOrDefault(t.Name)).ToArray();
            _positiveWeights = positiveWeights;
            for (int t = 0; t < _imbalance.Length; t++)
                if (_imbalance[t] is { NegativeSampleRate: < 1 } && network.OutputBias(t) is null)
                    throw new ArgumentException($"Task '{_tasks[t].Name}': negative downsampling needs a logit correction, which {network.Options.Architecture} cannot apply to this task's output.", nameof(options));
            _totalSteps = options.Epochs * epochs.BatchesPerEpoch;
            _trainable = trainable;
            _optimizer = options.Optimizer == OptimizerKind.Adam
                ? new AdamOptimizer(trainable, options)
                : new MomentumOptimizer(trainable, options);
        }

        public void Dispose() => _parallel?.Dispose();

        public TrainingResult Run(int[] validationRows, IProgress<EpochReport>? progress, CancellationToken cancellationToken)
        {
            var reports = new List<EpochReport>();
            float[][]? best = null;
            double bestLoss = double.PositiveInfinity;
            int bestEpoch = 0, sinceBest = 0;
            bool stoppedEarly = false;
            for (int epoch = 1; epoch <= _options.Epochs; epoch++)
            {
                var clock = Stopwatch.StartNew();
                _epochs.BeginEpoch(_random);
                _weighting.BeginEpoch(epoch, reports);
                var (trainingLoss, taskWeights) = TrainEpoch(epoch, cancellationToken);
                var (validationLoss, metric) = _validation is null ? ([], double.NaN) : Evaluate(validationRows);
                double mean = _validation is null ? double.NaN : WeightedMean(validationLoss);
                var report = new EpochReport(epoch, trainingLoss, validationLoss, mean, clock.Elapsed, taskWeights, metric);
                reports.Add(report);
                progress?.Report(report);

                if (_validation is null)
                {
                    bestEpoch = epoch;
                    continue;
                }
                double criterion = _stoppingTask is null ? mean : _tasks[_stoppingTask.Value].Kind == TaskKind.Binary ? -metric : metric;
                if (double.IsNaN(criterion))
                    criterion = mean; // e.g. AUC of a validation split with one class only
                if (criterion < bestLoss)
                {
                    bestLoss = criterion;
                    bestEpoch = epoch;
                    sinceBest = 0;
                    _network.SaveValues(ref best);
                }
                else if (_options.EarlyStoppingPatience > 0 && ++sinceBest >= _options.EarlyStoppingPatience && epoch < _options.Epochs)
                {
                    stoppedEarly = true;
                    break;
                }
            }
            if (best is not null)
                _network.RestoreValues(best);
            CorrectDownsampledLogits();
            return new TrainingResult(_network, reports, bestEpoch, stoppedEarly);
        }

        /// <summary>One pass over the epoch's mini-batches; returns each task's mean loss and mean loss-weighting multiplier.</summary>
        private (double[] Losses, double[] TaskWeights) TrainEpoch(int epoch, CancellationToken cancellationToken)
        {
            int tasks = _tasks.Count, batches = 0;
            var sums = new double[tasks];
            var weights = new double[tasks];
            var batchSums = new double[tasks];
            var batchWeights = new double[tasks];
            var batchMeans = new double[tasks];
            var multipliers = new double[tasks];
            var dropout = _network.Options.Dropout > 0 ? _random : null;
            while (_epochs.Next(_random))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = _trainBatches.LastBatch;
                ApplyImbalance(batch.Rows);
                _weighting.BeginBatch(_random);
                Array.Clear(batchSums);
                Array.Clear(batchWeights);
                var gradientWeighting = _weighting as Weighting.GradientWeightingState;
                bool finite = _parallel is not null
                    ? _parallel.Evaluate(_trainBatches, dropout is not null, batchSums, batchWeights, out int failed, _weighting.Weights, _imbalance)
                    : MultiTaskObjective.Evaluate(_network, batch, _trainBatches.LabelBuffers, _trainBatches.WeightBuffers, _workspace, dropout,
                        backward: gradientWeighting is null, batchSums, batchWeights, out failed, out _, _weighting.Weights, _imbalance);
                if (!finite)
                    throw new InvalidOperationException(
                        $"Training diverged in epoch {epoch}, mini-batch {batches + 1}: task '{_tasks[failed].Name}' loss is not finite. " +
                        $"Lower LearningRate (now {_options.LearningRate}) or scale the features and regression labels.");
                for (int t = 0; t < tasks; t++)
                    batchMeans[t] = batchWeights[t] > 0 ? batchSums[t] / batchWeights[t] : double.NaN;
                if (gradientWeighting is not null)
                    _surgery!.Backward(batch, dropout is not null, gradientWeighting, _random);
                if (_options.GradientClipNorm > 0)
                    GradientClipping.Clip(_trainable, _options.GradientClipNorm);
                _optimizer.Step(_options.Schedule.At(_step++, epoch, _totalSteps, _options.LearningRate));
                for (int t = 0; t < tasks; t++)
                {
                    sums[t] += batchSums[t];
                    weights[t] += batchWeights[t];
                    multipliers[t] += _weighting.Weights[t];
                }
                _weighting.AfterBatch(batchMeans);
                batches++;
            }
            return (Means(sums, weights), multipliers.Select(m => m / Math.Max(1, batches)).ToArray());
        }

        /// <summary>Weights positive rows and drops negative rows (weight 0) at the tasks' sample rates, for this mini-batch only.</summary>
        private void ApplyImbalance(int rows)
        {
            for (int t = 0; t < _imbalance.Length; t++)
            {
                if (_imbalance[t] is not { } imbalance)
                    continue;
                var labels = _trainBatches.LabelBuffers[t];
                var weights = _trainBatches.WeightBuffers[t];
                for (int r = 0; r < rows; r++)
                {
                    if (weights[r] == 0)
                        continue;
                    if (labels[r] == 1f)
                        weights[r] *= _positiveWeights[t];
                    else if (imbalance.NegativeSampleRate < 1 && _random.NextSingle() >= imbalance.NegativeSampleRate)
                        weights[r] = 0;
                }
            }
        }

        /// <summary>Shifts each downsampled task's logit by log r, undoing the 1/r odds that training on a fraction r of negatives built in.</summary>
        private void CorrectDownsampledLogits()
        {
            for (int t = 0; t < _imbalance.Length; t++)
                if (_imbalance[t] is { NegativeSampleRate: < 1 } imbalance)
                    _network.OutputBias(t)!.Value[0] += MathF.Log(imbalance.NegativeSampleRate);
        }

        /// <summary>The tasks' losses averaged with their loss weights, over the tasks that had labelled rows.</summary>
        private double WeightedMean(double[] losses)
        {
            double sum = 0, weight = 0;
            for (int t = 0; t < losses.Length; t++)
                if (!double.IsNaN(losses[t]))
                {
                    sum += losses[t] * _tasks[t].LossWeight;
                    weight += _tasks[t].LossWeight;
                }
            return weight > 0 ? sum / weight : double.NaN;
        }

        /// <summary>Weighted mean loss per task; NaN for a task with no weight (no labelled row).</summary>
        private static double[] Means(double[] sums, double[] weights) => sums.Select((s, t) => weights[t] > 0 ? s / weights[t] : double.NaN).ToArray();

        /// <summary>Mean loss per task over <paramref name="rows"/> of the validation set, dropout off.</summary>
        /// <summary>
        /// Mean loss per task over <paramref name="rows"/> of the validation set, dropout off, and the early-stopping
        /// task's metric (AUC for binary, RMSE for regression, loss for multiclass; NaN without such a task).
        /// </summary>
        private (double[] Losses, double Metric) Evaluate(int[] rows)
        {
            var sums = new double[_tasks.Count];
            var weights = new double[_tasks.Count];
            var scores = new List<float>();
            var labels = new List<float>();
            for (int start = 0; start < rows.Length; start += _workspace.Capacity)
            {
                int count = Math.Min(_workspace.Capacity, rows.Length - start);
                var batch = _validationBatches!.Gather(rows.AsSpan(start, count));
                if (!MultiTaskObjective.Evaluate(_network, batch, _validationBatches.LabelBuffers, _validationBatches.WeightBuffers, _workspace, null, backward: false, sums, weights, out int failed))
                    throw new InvalidOperationException($"Validation loss of task '{_tasks[failed].Name}' is not finite: training diverged.");
                if (_stoppingTask is { } task && _tasks[task].Kind == TaskKind.Binary)
                {
                    var outputs = _workspace.TaskOutputs(task, count);
                    for (int r = 0; r < count; r++)
                        if (_validationBatches.WeightBuffers[task][r] > 0)
                        {
                            scores.Add(outputs[r]);
                            labels.Add(_validationBatches.LabelBuffers[task][r]);
                        }
                }
            }
            var losses = Means(sums, weights);
            double metric = _stoppingTask switch
            {
                null => double.NaN,
                int task when _tasks[task].Kind == TaskKind.Binary => Evaluation.RankingMetrics.Auc(scores.ToArray(), labels.ToArray()),
                int task when _tasks[task].Kind == TaskKind.Regression => Math.Sqrt(losses[task]),
                int task => losses[task],
            };
            return (losses, metric);
        }
    }
}
