using System.Diagnostics;
using MlNetMtl.Data;
using MlNetMtl.Networks;

namespace MlNetMtl.Training;

/// <summary>
/// One training run: epochs of mini-batches (each through the objective, the loss weighting, clipping and the
/// optimizer), validation after each epoch, early stopping and restoration of the best epoch's weights. With
/// <see cref="Privacy.PrivacyOptions"/> on, each step's gradient is DP-SGD's (<see cref="Privacy.DpSgd"/>) on one thread;
/// over several processes (<see cref="TrainerOptions.Distributed"/>) this process's shard's, summed with the others'.
/// </summary>
internal sealed partial class TrainingSession : IDisposable
{
    private readonly MultiTaskNetwork _network;
    private readonly IReadOnlyList<TaskDefinition> _tasks;
    private readonly IEpochBatches _epochs;
    private readonly MultiTaskDataset? _validation;
    private readonly TrainerOptions _options;
    private readonly Checkpoints.ResumableRandom _random;
    private readonly NetworkWorkspace _workspace;
    private readonly BatchGatherer _trainBatches;
    private readonly BatchGatherer? _validationBatches;
    private readonly IOptimizer _optimizer;
    private readonly Weighting.WeightingState _weighting;
    private readonly int? _stoppingTask;
    private readonly GradientSurgery? _surgery;
    private readonly DataParallelObjective? _parallel;
    private readonly Distributed.DistributedObjective? _distributed;
    private readonly IReadOnlyList<Parameter> _trainable;
    private readonly TaskImbalance?[] _imbalance;
    private readonly float[] _positiveWeights;
    private readonly long _totalSteps;
    private readonly Privacy.DpSgd? _privacy;
    private readonly Checkpoints.CheckpointPlan? _checkpoint;
    private readonly EpochTotals _totals;
    private readonly List<EpochReport> _reports = [];
    private double[] _validationMeans;
    private long _step;
    // The best epoch so far: its criterion, number and weights, and the epochs since.
    private float[][]? _best;
    private double _bestLoss = double.PositiveInfinity;
    private int _bestEpoch, _sinceBest;

    public TrainingSession(MultiTaskNetwork network, IReadOnlyList<Parameter> trainable, IEpochBatches epochs, MultiTaskDataset? validation,
        float[] positiveWeights, TrainerOptions options, Checkpoints.ResumableRandom random, PrivateTraining? privacy = null, Checkpoints.CheckpointPlan? checkpoint = null)
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
        _weighting = options.Weighting.Start(_tasks, options);
        _surgery = _weighting is Weighting.GradientWeightingState ? new GradientSurgery(network, _workspace, trainable) : null;
        _privacy = privacy is null ? null
            : new Privacy.DpSgd(network, _workspace, _trainBatches, trainable, privacy.TrainRows, privacy.Users, options.Privacy, privacy.Plan, random);
        _validationMeans = Enumerable.Repeat(double.NaN, _tasks.Count).ToArray();
        _distributed = options.Distributed is { Size: > 1 } processes
            ? new Distributed.DistributedObjective(network, _workspace, trainable, _trainBatches, processes, options.SeedOrDefault) : null;
        _parallel = _surgery is null && _privacy is null && _distributed is null && options.Threads > 1 && capacity >= 2
            ? new DataParallelObjective(network, _workspace, trainable, _trainBatches, options.Threads, options.SeedOrDefault) : null;
        // Validation gathers whole batches on this thread: a gatherer of its own when the training one leaves features to the workers.
        _validationBatches = validation is null ? null
            : ReferenceEquals(validation, _trainBatches.Data) && _parallel is null && _distributed is null ? _trainBatches : new BatchGatherer(validation, capacity);
        _stoppingTask = options.EarlyStoppingTask is null ? null : _tasks.Select(t => t.Name).ToList().IndexOf(options.EarlyStoppingTask);
        _imbalance = _tasks.Select(t => options.Imbalance.GetValueOrDefault(t.Name)).ToArray();
        _positiveWeights = positiveWeights;
        for (int t = 0; t < _imbalance.Length; t++)
            if (_imbalance[t] is { NegativeSampleRate: < 1 } && network.OutputBias(t) is null)
                throw new ArgumentException($"Task '{_tasks[t].Name}': negative downsampling needs a logit correction, which {network.Options.Architecture} cannot apply to this task's output.", nameof(options));
        _totalSteps = options.Epochs * (_privacy is null ? epochs.BatchesPerEpoch : Privacy.PrivacyGuarantee.StepsPerEpoch(_privacy.Guarantee.SamplingRate));
        _trainable = trainable;
        _optimizer = Optimizers.Create(trainable, options);
        _totals = new EpochTotals(_tasks.Count);
        _checkpoint = checkpoint;
    }

    public void Dispose() => _parallel?.Dispose();

    public TrainingResult Run(int[] validationRows, IProgress<EpochReport>? progress, CancellationToken cancellationToken)
    {
        bool stoppedEarly = false;
        // A resumed run continues the epoch its checkpoint was taken in, from the data position and state it saved.
        int resumedEpoch = _checkpoint is { Options.Resume: true } ? ReadCheckpoint(cancellationToken) : 0;
        for (int epoch = Math.Max(1, resumedEpoch); epoch <= _options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            if (epoch != resumedEpoch)
            {
                if (_privacy is null)
                    _epochs.BeginEpoch(_random);
                // Under DP a weighting reads held-out losses only: the training rows' losses would leak past the guarantee.
                _weighting.BeginEpoch(epoch, _privacy is null ? _reports : _reports.Select(r => r with { TrainingLoss = r.ValidationLoss }).ToList());
                _totals.Clear();
            }
            var (trainingLoss, taskWeights) = TrainEpoch(epoch, cancellationToken);
            var (validationLoss, metric) = _validation is null ? ([], double.NaN) : Evaluate(validationRows, epoch);
            double mean = _validation is null ? double.NaN : WeightedMean(validationLoss);
            if (validationLoss.Length > 0)
                _validationMeans = validationLoss;
            var report = new EpochReport(epoch, trainingLoss, validationLoss, mean, clock.Elapsed, taskWeights, metric) { Privacy = _privacy?.Spent };
            _reports.Add(report);
            progress?.Report(report);

            if (_validation is null)
            {
                _bestEpoch = epoch;
                continue;
            }
            double criterion = _stoppingTask is null ? mean : _tasks[_stoppingTask.Value].Kind.Stopping == StoppingMetric.Auc ? -metric : metric;
            if (double.IsNaN(criterion))
                criterion = mean; // e.g. AUC of a validation split with one class only
            if (criterion < _bestLoss)
            {
                _bestLoss = criterion;
                _bestEpoch = epoch;
                _sinceBest = 0;
                _network.SaveValues(ref _best);
            }
            else if (_options.EarlyStoppingPatience > 0 && ++_sinceBest >= _options.EarlyStoppingPatience && epoch < _options.Epochs)
            {
                stoppedEarly = true;
                break;
            }
        }
        if (_best is not null)
            _network.RestoreValues(_best);
        CorrectDownsampledLogits();
        return new TrainingResult(_network, _reports, _bestEpoch, stoppedEarly) { Privacy = _privacy?.Spent };
    }

    /// <summary>
    /// The rest of the epoch's mini-batches (all of them, unless resumed within the epoch); returns each task's mean loss
    /// and mean loss-weighting multiplier over the epoch.
    /// </summary>
    private (double[] Losses, double[] TaskWeights) TrainEpoch(int epoch, CancellationToken cancellationToken)
    {
        int tasks = _tasks.Count;
        var batchSums = new double[tasks];
        var batchWeights = new double[tasks];
        var batchMeans = new double[tasks];
        var dropout = _network.Options.Dropout > 0 ? _random : null;
        long privateSteps = _privacy is null ? 0 : Privacy.PrivacyGuarantee.StepsPerEpoch(_privacy.Guarantee.SamplingRate);
        while (_privacy is null ? _epochs.Next(_random) : _totals.Batches < privateSteps)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _weighting.BeginBatch(_random);
            Array.Clear(batchSums);
            Array.Clear(batchWeights);
            var gradientWeighting = _weighting as Weighting.GradientWeightingState;
            int failed;
            bool finite = _privacy is not null
                ? _privacy.Compute(_weighting.Weights, _imbalance, dropout, ApplyImbalance, batchSums, batchWeights, out failed)
                : Gradient(dropout, backward: gradientWeighting is null, batchSums, batchWeights, out failed);
            if (!finite)
                throw Diverged(epoch, _totals.Batches, failed);
            for (int t = 0; t < tasks; t++)
                batchMeans[t] = batchWeights[t] > 0 ? batchSums[t] / batchWeights[t] : double.NaN;
            if (gradientWeighting is not null)
                _surgery!.Backward(_trainBatches.LastBatch, dropout is not null, gradientWeighting, _random);
            if (_options.GradientClipNorm > 0 && _privacy is null)
            {
                _parallel?.Reduce();
                GradientClipping.Clip(_trainable, _options.GradientClipNorm);
            }
            float learningRate = _options.Schedule.At(_step++, epoch, _totalSteps, _options.LearningRate);
            if (_parallel is not null)
                _parallel.Step(_optimizer, learningRate);
            else
                _optimizer.Step(learningRate);
            _totals.Add(batchSums, batchWeights, _weighting.Weights);
            _weighting.AfterBatch(_privacy is null ? batchMeans : _validationMeans);
            if (_checkpoint is { } checkpoint && _step % checkpoint.Options.EverySteps == 0)
                WriteCheckpoint(epoch);
        }
        return (Means(_totals.Sums, _totals.Weights), _totals.Multipliers.Select(m => m / Math.Max(1, _totals.Batches)).ToArray());
    }

    /// <summary>The gathered mini-batch's losses and (with <paramref name="backward"/>) gradient, on the workers or this thread.</summary>
    private bool Gradient(Random? dropout, bool backward, double[] lossSums, double[] weightSums, out int failed)
    {
        var batch = _trainBatches.LastBatch;
        ApplyImbalance(batch.Rows);
        if (_distributed is not null)
            return _distributed.Evaluate(_trainBatches, dropout is not null, lossSums, weightSums, out failed, _weighting.Weights, _imbalance, _step + 1);
        return _parallel is not null
            ? _parallel.Evaluate(_trainBatches, dropout is not null, lossSums, weightSums, out failed, _weighting.Weights, _imbalance)
            : MultiTaskObjective.Evaluate(_network, batch, _trainBatches.LabelBuffers, _trainBatches.WeightBuffers, _workspace, dropout,
                backward, lossSums, weightSums, out failed, out _, _weighting.Weights, _imbalance);
    }

    private InvalidOperationException Diverged(int epoch, int batches, int task) => new(
        $"Training diverged in epoch {epoch}, mini-batch {batches + 1}: task '{_tasks[task].Name}' loss is not finite. " +
        $"Lower LearningRate (now {_options.LearningRate}) or scale the features and regression labels.");

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
}

/// <summary>A DP-SGD run's plan, the training rows it samples from and (user-level) each data-set row's user.</summary>
internal sealed record PrivateTraining(Privacy.PrivacyGuarantee Plan, int[] TrainRows, int[]? Users);
