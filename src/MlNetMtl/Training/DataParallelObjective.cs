using MlNetMtl.Networks;
using MlNetMtl.Numerics;

namespace MlNetMtl.Training;

/// <summary>
/// Synchronous data parallelism: a mini-batch is cut into contiguous shards, one per worker; each worker runs the
/// forward and backward pass of <see cref="MultiTaskObjective"/> on its shard with its own replica of the network
/// (shared weights, own gradients and activations); the replicas' gradients are then added into the network's in
/// worker order. The shards and that order depend only on the batch size and the worker count, so a given thread
/// count gives the same weights run after run; each worker draws its dropout masks from its own seeded generator.
/// </summary>
internal sealed class DataParallelObjective : IDisposable
{
    /// <summary>Fewest rows worth a worker of their own: below that the dispatch costs more than it saves.</summary>
    private const int MinimumShardRows = 32;

    private readonly MultiTaskNetwork _network;
    private readonly MultiTaskNetwork[] _replicas;
    private readonly NetworkWorkspace[] _workspaces;
    private readonly Random[] _dropout;
    private readonly double[][] _lossSums, _weightSums;
    private readonly int[] _failed;
    private readonly int[] _trainable;
    private readonly WorkerPool _pool;
    private readonly Action<int> _evaluateShard, _reduceChunk;
    private readonly double[] _taskWeights;

    // The round in flight (read by the workers).
    private BatchGatherer? _batches;
    private float[] _multipliers = [];
    private IReadOnlyList<TaskImbalance?>? _imbalance;
    private bool _dropoutOn;
    private int _rows, _shards;

    /// <param name="network">The network trained; worker 0 uses it and <paramref name="workspace"/> directly.</param>
    /// <param name="workspace">Worker 0's buffers.</param>
    /// <param name="trainable">The parameters whose gradients are needed (a subset of the network's, by reference).</param>
    /// <param name="threads">Workers, 2 or more.</param>
    /// <param name="seed">Seeds the other workers' dropout generators.</param>
    public DataParallelObjective(MultiTaskNetwork network, NetworkWorkspace workspace, IReadOnlyList<Parameter> trainable, int threads, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 2);
        _network = network;
        int capacity = workspace.Capacity, shardCapacity = (capacity + threads - 1) / threads;
        _replicas = new MultiTaskNetwork[threads];
        _workspaces = new NetworkWorkspace[threads];
        _replicas[0] = network;
        _workspaces[0] = workspace;
        for (int w = 1; w < threads; w++)
        {
            _replicas[w] = network.CreateReplica();
            _workspaces[w] = _replicas[w].CreateWorkspace(shardCapacity);
        }
        // Worker seeds drawn from the run's seed (HashCode would differ from process to process).
        var seeds = new Random(seed);
        _dropout = Enumerable.Range(0, threads).Select(_ => new Random(seeds.Next())).ToArray();
        int tasks = network.Tasks.Count;
        _lossSums = Enumerable.Range(0, threads).Select(_ => new double[tasks]).ToArray();
        _weightSums = Enumerable.Range(0, threads).Select(_ => new double[tasks]).ToArray();
        _failed = new int[threads];
        _taskWeights = new double[tasks];
        var index = network.Parameters.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i);
        _trainable = trainable.Select(p => index[p]).ToArray();
        _pool = new WorkerPool(threads);
        _evaluateShard = EvaluateShard;
        _reduceChunk = ReduceChunk;
    }

    /// <summary>
    /// <see cref="MultiTaskObjective.Evaluate(MultiTaskNetwork, InputBatch, float[][], float[][], NetworkWorkspace, Random?, bool, Span{double}, Span{double}, out int, out double, ReadOnlySpan{float}, IReadOnlyList{TaskImbalance?}?, BatchShard?)"/>
    /// with the backward pass, over the shards at once; leaves the mini-batch's gradient in the network's parameters.
    /// </summary>
    /// <param name="batches">Holds the mini-batch (its last gathered rows, labels and weights).</param>
    /// <param name="dropout">Whether dropout masks are drawn (training).</param>
    /// <param name="lossSums">Receives each task's Σ w·ℓ.</param>
    /// <param name="weightSums">Receives each task's Σ w.</param>
    /// <param name="failedTask">The task whose loss was not finite, or −1.</param>
    /// <param name="taskMultipliers">The loss-weighting strategy's multipliers.</param>
    /// <param name="imbalance">Focal-loss settings by task.</param>
    public bool Evaluate(BatchGatherer batches, bool dropout, Span<double> lossSums, Span<double> weightSums,
        out int failedTask, float[] taskMultipliers, IReadOnlyList<TaskImbalance?>? imbalance)
    {
        _batches = batches;
        _rows = batches.LastBatch.Rows;
        _shards = Math.Clamp(_rows / MinimumShardRows, 1, _pool.Workers);
        var weights = batches.WeightBuffers;
        _multipliers = taskMultipliers;
        _imbalance = imbalance;
        _dropoutOn = dropout;
        for (int t = 0; t < _taskWeights.Length; t++)
        {
            double total = 0;
            foreach (float w in weights[t].AsSpan(0, _rows))
                total += w;
            _taskWeights[t] = total;
        }
        _pool.Run(_evaluateShard, _shards);
        failedTask = -1;
        for (int w = 0; w < _shards; w++)
        {
            if (_failed[w] >= 0)
            {
                failedTask = _failed[w];
                return false;
            }
            for (int t = 0; t < _taskWeights.Length; t++)
            {
                lossSums[t] += _lossSums[w][t];
                weightSums[t] += _weightSums[w][t];
            }
        }
        if (_shards > 1)
        {
            ReduceSparse();
            _pool.Run(_reduceChunk, _shards);
        }
        return true;
    }

    private void EvaluateShard(int worker)
    {
        var (first, rows) = ShardRange(worker, _shards, _rows);
        Array.Clear(_lossSums[worker]);
        Array.Clear(_weightSums[worker]);
        var batches = _batches!;
        MultiTaskObjective.Evaluate(_replicas[worker], MultiTaskNetwork.Slice(batches.LastBatch, first, rows), batches.LabelBuffers, batches.WeightBuffers,
            _workspaces[worker], _dropoutOn ? _dropout[worker] : null, backward: true, _lossSums[worker], _weightSums[worker],
            out _failed[worker], out _, _multipliers, _imbalance, new BatchShard(first, _rows, _taskWeights));
    }

    /// <summary>Adds the replicas' gradients into the network's, over worker <paramref name="worker"/>'s share of each dense parameter.</summary>
    private void ReduceChunk(int worker)
    {
        foreach (int i in _trainable)
        {
            var target = _network.Parameters[i];
            if (target.TouchedRows is not null)
                continue;
            var (start, length) = ShardRange(worker, _shards, target.Gradient.Length);
            var sum = target.Gradient.AsSpan(start, length);
            for (int w = 1; w < _shards; w++)
                VectorOps.AddScaled(1f, _replicas[w].Parameters[i].Gradient.AsSpan(start, length), sum);
        }
    }

    /// <summary>Merges the row-sparse gradients (first layers over sparse rows), replica by replica, on the calling thread.</summary>
    private void ReduceSparse()
    {
        foreach (int i in _trainable)
        {
            var target = _network.Parameters[i];
            if (target.TouchedRows is not { } rows)
                continue;
            int width = target.Columns;
            for (int w = 1; w < _shards; w++)
            {
                var source = _replicas[w].Parameters[i];
                if (source.TouchedRows is not { } touched)
                    continue;
                foreach (int row in touched.Rows)
                {
                    var from = source.Gradient.AsSpan(row * width, width);
                    var to = target.Gradient.AsSpan(row * width, width);
                    if (rows.Mark(row))
                        from.CopyTo(to);
                    else
                        VectorOps.AddScaled(1f, from, to);
                }
                touched.Clear();
            }
        }
    }

    /// <summary>Part <paramref name="part"/> of <paramref name="parts"/> near-equal contiguous parts of <paramref name="length"/>.</summary>
    private static (int Start, int Length) ShardRange(int part, int parts, int length)
    {
        int start = (int)((long)length * part / parts), end = (int)((long)length * (part + 1) / parts);
        return (start, end - start);
    }

    public void Dispose() => _pool.Dispose();
}
