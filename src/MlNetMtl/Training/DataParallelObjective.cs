using MlNetMtl.Networks;
using MlNetMtl.Numerics;

namespace MlNetMtl.Training;

/// <summary>
/// Synchronous data parallelism: a mini-batch is cut into contiguous shards, one per worker; each worker copies its
/// shard's dense feature rows into the batch and runs the forward and backward pass of <see cref="MultiTaskObjective"/>
/// on it with its own replica of the network (shared weights, own gradients and activations). The step then runs on the
/// workers too (<see cref="Step"/>): each sums the replicas' gradients, in worker order, over its own rows of every
/// parameter (<see cref="WorkParts"/>) and updates those rows at once, while they are in its cache. The shards, the parts
/// and the order of the sums depend only on the batch size and the worker count, so a given thread count gives the same
/// weights run after run; each worker draws its dropout masks from its own seeded generator.
/// </summary>
internal sealed class DataParallelObjective : IDisposable
{
    private readonly MultiTaskNetwork _network;
    private readonly MultiTaskNetwork[] _replicas;
    private readonly NetworkWorkspace[] _workspaces;
    private readonly Checkpoints.ResumableRandom[] _dropout;
    private readonly double[][] _lossSums, _weightSums;
    private readonly int[] _failed;
    private readonly int[] _trainable;
    private readonly WorkerPool _pool;
    private readonly Action<int> _evaluateShard, _materializePart, _stepPart;
    private readonly double[] _taskWeights;

    // The round in flight (read by the workers).
    private BatchGatherer? _batches;
    private float[] _multipliers = [];
    private IReadOnlyList<TaskImbalance?>? _imbalance;
    private bool _dropoutOn, _reduced;
    private int _rows, _shards;
    private IOptimizer? _optimizer;

    /// <param name="network">The network trained; worker 0 uses it and <paramref name="workspace"/> directly.</param>
    /// <param name="workspace">Worker 0's buffers.</param>
    /// <param name="trainable">The parameters whose gradients are needed (a subset of the network's, by reference).</param>
    /// <param name="threads">Workers, 2 or more.</param>
    /// <param name="seed">Seeds the other workers' dropout generators.</param>
    /// <param name="batches">Gathers the training mini-batches: their dense feature rows are left to the workers.</param>
    public DataParallelObjective(MultiTaskNetwork network, NetworkWorkspace workspace, IReadOnlyList<Parameter> trainable, BatchGatherer batches, int threads, int seed)
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
        _dropout = Enumerable.Range(0, threads).Select(_ => new Checkpoints.ResumableRandom(seeds.Next())).ToArray();
        int tasks = network.Tasks.Count;
        _lossSums = Enumerable.Range(0, threads).Select(_ => new double[tasks]).ToArray();
        _weightSums = Enumerable.Range(0, threads).Select(_ => new double[tasks]).ToArray();
        _failed = new int[threads];
        _taskWeights = new double[tasks];
        var index = network.Parameters.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i);
        _trainable = trainable.Select(p => index[p]).ToArray();
        _pool = new WorkerPool(threads);
        _evaluateShard = EvaluateShard;
        _materializePart = part => ReducePart(part, materialize: true);
        _stepPart = StepPart;
        batches.DeferDenseFeatures = true; // each worker copies its own shard's rows
    }

    /// <summary>
    /// <see cref="MultiTaskObjective.Evaluate(MultiTaskNetwork, InputBatch, float[][], float[][], NetworkWorkspace, Random?, bool, Span{double}, Span{double}, out int, out double, ReadOnlySpan{float}, IReadOnlyList{TaskImbalance?}?, BatchShard?)"/>
    /// with the backward pass, over the shards at once; leaves each shard's gradient in its replica, for <see cref="Reduce"/>
    /// or <see cref="Step"/>.
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
        _shards = WorkParts.Shards(_rows, _pool.Workers);
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
        _reduced = _shards == 1;
        return true;
    }

    /// <summary>Sums the replicas' gradients into the network's (for what reads the whole gradient before the step: clipping).</summary>
    public void Reduce()
    {
        if (_reduced)
            return;
        MergeTouchedRows();
        _pool.Run(_materializePart, _pool.Workers);
        _reduced = true;
    }

    /// <summary>The optimizer's step on the workers: each sums the replicas' gradients over its rows of every parameter (unless <see cref="Reduce"/> did) and updates them.</summary>
    public void Step(IOptimizer optimizer, float learningRate)
    {
        if (!_reduced)
            MergeTouchedRows();
        optimizer.Begin(learningRate);
        _optimizer = optimizer;
        _pool.Run(_stepPart, _pool.Workers);
        _optimizer = null;
        optimizer.End();
        for (int w = 1; w < _shards; w++)
            foreach (int i in _trainable)
                _replicas[w].Parameters[i].TouchedRows?.Clear();
        _reduced = true;
    }

    private void EvaluateShard(int worker)
    {
        var (first, rows) = WorkParts.Range(worker, _shards, _rows);
        _batches!.GatherDenseFeatures(first, rows);
        Array.Clear(_lossSums[worker]);
        Array.Clear(_weightSums[worker]);
        var batches = _batches!;
        MultiTaskObjective.Evaluate(_replicas[worker], MultiTaskNetwork.Slice(batches.LastBatch, first, rows), batches.LabelBuffers, batches.WeightBuffers,
            _workspaces[worker], _dropoutOn ? _dropout[worker] : null, backward: true, _lossSums[worker], _weightSums[worker],
            out _failed[worker], out _, _multipliers, _imbalance, new BatchShard(first, _rows, _taskWeights));
    }

    private void StepPart(int part)
    {
        if (!_reduced)
            ReducePart(part, materialize: false);
        _optimizer!.Update(part, _pool.Workers);
    }

    /// <summary>
    /// Adds the replicas' gradients into the network's over part <paramref name="part"/> of each dense parameter (a range of
    /// rows). A row-sparse gradient's rows were summed by <see cref="MergeTouchedRows"/>, each where it was first written:
    /// with <paramref name="materialize"/> those in a replica's gradient are copied into the network's, else the optimizer
    /// reads them there.
    /// </summary>
    private void ReducePart(int part, bool materialize)
    {
        int parts = _pool.Workers;
        for (int p = 0; p < _trainable.Length; p++)
        {
            int i = _trainable[p];
            var target = _network.Parameters[i];
            if (target.TouchedRows is not { } touched)
            {
                var (start, length) = WorkParts.Dense(target, part, parts);
                var sum = target.Gradient.AsSpan(start, length);
                for (int w = 1; w < _shards; w++)
                    VectorOps.AddScaled(1f, _replicas[w].Parameters[i].Gradient.AsSpan(start, length), sum);
                continue;
            }
            if (!materialize)
                continue;
            int width = target.Columns;
            var (first, count) = WorkParts.Range(part, parts, touched.Count);
            for (int position = first; position < first + count; position++)
                if (touched.SourceAt(position) is { } source)
                {
                    int row = touched.Rows[position];
                    source.AsSpan(row * width, width).CopyTo(target.Gradient.AsSpan(row * width, width));
                    touched.MadeOwn(position);
                }
        }
    }

    /// <summary>
    /// Marks, in the network's touched rows of each row-sparse gradient, the rows the replicas touched, in worker order, and
    /// sums each row where it was first written: a replica's row the network's shard did not touch stays in that replica's
    /// gradient (<see cref="TouchedRows.SourceAt"/>) — nearly every row of an embedding table's batch, as shards seldom share
    /// a row, so the step neither copies nor looks up most rows — and a row a later replica touched too is added to it there,
    /// the same sums in the same order as into the network's (on this thread).
    /// </summary>
    private void MergeTouchedRows()
    {
        for (int p = 0; p < _trainable.Length; p++)
        {
            int i = _trainable[p];
            var network = _network.Parameters[i];
            if (network.TouchedRows is not { } rows)
                continue;
            int width = network.Columns;
            for (int w = 1; w < _shards; w++)
            {
                var replica = _replicas[w].Parameters[i];
                if (replica.TouchedRows is not { } touched)
                    continue;
                foreach (int row in touched.Rows)
                    if (!rows.Mark(row, w, replica.Gradient))
                    {
                        int first = rows.FirstMarkedBy(row);
                        var sum = first == 0 ? network.Gradient : _replicas[first].Parameters[i].Gradient;
                        VectorOps.AddScaled(1f, replica.Gradient.AsSpan(row * width, width), sum.AsSpan(row * width, width));
                    }
            }
        }
    }

    /// <summary>Each worker's dropout generator, for checkpoints.</summary>
    public IReadOnlyList<Checkpoints.ResumableRandom> DropoutGenerators => _dropout;

    public void Dispose() => _pool.Dispose();
}
