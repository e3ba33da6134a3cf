using MlNetMtl.Networks;

namespace MlNetMtl.Training.Distributed;

/// <summary>
/// This process's part of a distributed step. It copies and trains on its shard of the mini-batch — the rows worker
/// <see cref="Communicator.Rank"/> takes in <see cref="DataParallelObjective"/> — on one thread, drawing the dropout masks
/// that worker draws; the processes' losses (sent with the gradients) are then summed in rank order and their gradients by
/// <see cref="GradientExchange"/>, so every process holds the mini-batch's gradient and takes the same optimizer step.
/// Training starts from rank 0's weights.
/// </summary>
internal sealed class DistributedObjective
{
    private readonly MultiTaskNetwork _network;
    private readonly NetworkWorkspace _workspace;
    private readonly Parameter[] _trainable;
    private readonly Communicator _communicator;
    private readonly GradientExchange _exchange;
    private readonly Checkpoints.ResumableRandom _dropout;
    private readonly double[] _taskWeights, _mine, _all;
    private readonly Func<bool> _readHeaders;
    private int _shards, _failedTask;

    /// <param name="network">The network trained (this process's copy).</param>
    /// <param name="workspace">Its buffers.</param>
    /// <param name="trainable">The parameters whose gradients are summed.</param>
    /// <param name="batches">Gathers the training mini-batches: of their dense feature rows, only this process's shard is copied.</param>
    /// <param name="communicator">The processes.</param>
    /// <param name="seed">The run's seed: the dropout generators are drawn from it as <see cref="DataParallelObjective"/> draws its workers'.</param>
    /// <exception cref="TimeoutException">Another process did not start within the communicator's timeout.</exception>
    public DistributedObjective(MultiTaskNetwork network, NetworkWorkspace workspace, IReadOnlyList<Parameter> trainable, BatchGatherer batches, Communicator communicator, int seed)
    {
        _network = network;
        _workspace = workspace;
        _trainable = trainable.ToArray();
        _communicator = communicator;
        _exchange = new GradientExchange(communicator, _trainable);
        var seeds = new Random(seed);
        for (int r = 0; r < communicator.Rank; r++)
            seeds.Next();
        _dropout = new Checkpoints.ResumableRandom(seeds.Next());
        int tasks = network.Tasks.Count;
        _taskWeights = new double[tasks];
        _mine = new double[2 * tasks + 1 + _trainable.Length];
        _all = new double[_mine.Length * communicator.Size];
        _readHeaders = ReadHeaders;
        batches.DeferDenseFeatures = true;
        foreach (var parameter in network.Parameters)
            communicator.Broadcast(parameter.Value, root: 0, $"the start of training (rank 0's weights of '{parameter.Name}')");
    }

    /// <summary>This process's dropout generator, for checkpoints.</summary>
    public Checkpoints.ResumableRandom DropoutGenerator => _dropout;

    /// <summary>The communicator of the run's processes.</summary>
    public Communicator Communicator => _communicator;

    /// <summary>
    /// This process's shard through <see cref="MultiTaskObjective"/> with the backward pass, then every process's losses and
    /// gradients summed: the mini-batch's, as one process with as many threads would have them.
    /// </summary>
    /// <param name="batches">Holds the mini-batch (its last gathered rows, labels and weights).</param>
    /// <param name="dropout">Whether dropout masks are drawn (training).</param>
    /// <param name="lossSums">Receives each task's Σ w·ℓ over the mini-batch.</param>
    /// <param name="weightSums">Receives each task's Σ w.</param>
    /// <param name="failedTask">The task whose loss was not finite in some process, or −1.</param>
    /// <param name="taskMultipliers">The loss-weighting strategy's multipliers.</param>
    /// <param name="imbalance">Focal-loss settings by task.</param>
    /// <param name="step">The step, for messages.</param>
    /// <exception cref="TimeoutException">Another process did not take part within the communicator's timeout.</exception>
    public bool Evaluate(BatchGatherer batches, bool dropout, Span<double> lossSums, Span<double> weightSums, out int failedTask,
        float[] taskMultipliers, IReadOnlyList<TaskImbalance?>? imbalance, long step)
    {
        int rows = batches.LastBatch.Rows, shards = WorkParts.Shards(rows, _communicator.Size), rank = _communicator.Rank, tasks = _taskWeights.Length;
        for (int t = 0; t < tasks; t++)
        {
            double total = 0;
            foreach (float w in batches.WeightBuffers[t].AsSpan(0, rows))
                total += w;
            _taskWeights[t] = total;
        }
        Array.Clear(_mine);
        int failed = -1;
        if (rank < shards)
        {
            var (first, count) = WorkParts.Range(rank, shards, rows);
            batches.GatherDenseFeatures(first, count);
            MultiTaskObjective.Evaluate(_network, MultiTaskNetwork.Slice(batches.LastBatch, first, count), batches.LabelBuffers, batches.WeightBuffers,
                _workspace, dropout ? _dropout : null, backward: true, _mine.AsSpan(0, tasks), _mine.AsSpan(tasks, tasks),
                out failed, out _, taskMultipliers, imbalance, new BatchShard(first, rows, _taskWeights));
        }
        // With the losses: which task failed, and which parameters this process has seen row-sparse (a process without
        // rows yet has not), so that every process exchanges the same parameters the same way.
        _mine[2 * tasks] = failed;
        for (int p = 0; p < _trainable.Length; p++)
            _mine[2 * tasks + 1 + p] = _trainable[p].TouchedRows is null ? 0 : 1;
        _shards = shards;
        bool summed = _exchange.Sum(shards, step, _mine, _all, _readHeaders);
        for (int q = 0; q < shards; q++)
        {
            var theirs = _all.AsSpan(q * _mine.Length, _mine.Length);
            for (int t = 0; t < tasks; t++)
            {
                lossSums[t] += theirs[t];
                weightSums[t] += theirs[tasks + t];
            }
        }
        failedTask = _failedTask;
        return summed;
    }

    /// <summary>Reads every process's header: marks the parameters any process has seen row-sparse, and finds a failed task (which stops the step).</summary>
    private bool ReadHeaders()
    {
        int tasks = _taskWeights.Length;
        _failedTask = -1;
        for (int q = 0; q < _communicator.Size; q++)
        {
            var theirs = _all.AsSpan(q * _mine.Length, _mine.Length);
            for (int p = 0; p < _trainable.Length; p++)
                if (theirs[2 * tasks + 1 + p] != 0)
                    _trainable[p].TouchedRows ??= new TouchedRows(_trainable[p].Rows);
            if (q < _shards && _failedTask < 0 && theirs[2 * tasks] >= 0)
                _failedTask = (int)theirs[2 * tasks];
        }
        return _failedTask < 0;
    }
}
