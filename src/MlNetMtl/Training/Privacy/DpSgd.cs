using MlNetMtl.Networks;
using MlNetMtl.Numerics;

namespace MlNetMtl.Training.Privacy;

/// <summary>
/// The DP-SGD gradient of one step. Units (rows, or users) are Poisson-sampled at rate q; each unit's gradient of the weighted
/// multi-task loss Σₜ λₜ·mₜ·Σ_{i∈u} wₜᵢ·ℓₜᵢ is clipped to norm C, the clipped gradients are summed, N(0, σ²C²) is added to every
/// trainable value, touched or not, and the sum is divided by q·units, the expected units per step. Clipping needs every
/// unit's norm but no unit's gradient: a first backward pass collects the norms from activations and deltas
/// (<see cref="ExampleNorms"/>) without forming any weight gradient, a second runs with each unit's output gradients scaled by min(1, C/‖g_u‖), which by linearity
/// leaves Σ_u clip(g_u) in the parameters ("ghost clipping"). A step with more rows than the workspace holds runs in chunks of
/// whole units whose clipped sums add up.
/// </summary>
internal sealed class DpSgd
{
    private readonly MultiTaskNetwork _network;
    private readonly NetworkWorkspace _workspace;
    private readonly BatchGatherer _batches;
    private readonly IReadOnlyList<Parameter> _trainable;
    private readonly Random _random;
    private readonly ExampleNorms _norms = new() { NormsOnly = true };
    private readonly int[] _unitStarts, _unitRows;
    private readonly int _maxRowsPerUnit;
    private readonly float[][] _savedOutputGradients;
    private float[][]? _sums;
    private readonly float[] _unitScale;
    private readonly int[] _chunkUnitOfRow;
    private readonly double[] _unnormalized;
    private readonly ulong _noiseSeed;
    private readonly bool _secure;
    private readonly List<int> _sampled = [], _stepRows = [], _stepUnitEnds = [];
    private long _step;

    /// <param name="network">The network trained.</param>
    /// <param name="workspace">Its buffers; a chunk holds at most their capacity of rows.</param>
    /// <param name="batches">Gathers chunks of the training data.</param>
    /// <param name="trainable">The parameters updated (and noised, and clipped together).</param>
    /// <param name="trainRows">The training rows (indices into the data set).</param>
    /// <param name="users">Each data-set row's user (dense ids), for user-level privacy; null for example-level.</param>
    /// <param name="options">The privacy settings.</param>
    /// <param name="guarantee">The run's sampling rate and noise multiplier.</param>
    /// <param name="random">The run's generator (sampling and the noise streams' seed) unless the noise is secure.</param>
    public DpSgd(MultiTaskNetwork network, NetworkWorkspace workspace, BatchGatherer batches, IReadOnlyList<Parameter> trainable, int[] trainRows,
        int[]? users, PrivacyOptions options, PrivacyGuarantee guarantee, Random random)
    {
        _network = network;
        _workspace = workspace;
        _batches = batches;
        _trainable = trainable;
        _secure = options.SecureNoise;
        _random = _secure ? new SecureRandom() : random;
        _noiseSeed = (ulong)random.NextInt64();
        Guarantee = guarantee;
        (_unitStarts, _unitRows) = UnitRows(trainRows, users);
        _maxRowsPerUnit = users is null ? 1 : options.MaxRowsPerUser;
        if (_maxRowsPerUnit > workspace.Capacity)
            throw new ArgumentException($"MaxRowsPerUser ({_maxRowsPerUnit}) exceeds the batch capacity ({workspace.Capacity}); lower it or raise BatchSize.", nameof(options));
        _savedOutputGradients = workspace.OutputGradients.Select(g => new float[g.Length]).ToArray();
        _unitScale = new float[workspace.Capacity];
        _chunkUnitOfRow = new int[workspace.Capacity];
        _unnormalized = Enumerable.Repeat(1.0, network.Tasks.Count).ToArray();
        if (Units != guarantee.Units)
            throw new ArgumentException($"The privacy plan counts {guarantee.Units} units; the training rows hold {Units}.", nameof(guarantee));
    }

    /// <summary>The run's plan: (q, σ, C, δ) and the ε of all planned steps.</summary>
    public PrivacyGuarantee Guarantee { get; }

    /// <summary>The guarantee of the steps taken so far.</summary>
    public PrivacyGuarantee Spent => Guarantee.After(_step);

    /// <summary>Units (rows or users) sampled from.</summary>
    public int Units => _unitStarts.Length - 1;

    /// <summary>
    /// One step's noisy clipped mean gradient into the trainable parameters. <paramref name="prepareChunk"/> adjusts a gathered
    /// chunk's row weights (imbalance); each task's Σ w·ℓ and Σ w over the step's rows are added to the sums. False when a loss is not finite.
    /// </summary>
    public bool Compute(ReadOnlySpan<float> taskMultipliers, IReadOnlyList<TaskImbalance?> imbalance, Random? dropout, Action<int> prepareChunk,
        Span<double> lossSums, Span<double> weightSums, out int failedTask)
    {
        failedTask = -1;
        Sample();
        ClearGradients();
        // Chunks of whole units, each at most the workspace's capacity; one chunk leaves its sum in place, several add up in _sums.
        int units = _stepUnitEnds.Count, first = 0, chunks = 0;
        do
        {
            int end = first;
            while (end < units && UnitEnd(end) - UnitStart(first) <= _workspace.Capacity)
                end++;
            int rows = end == first ? 0 : UnitEnd(end - 1) - UnitStart(first);
            if (!Chunk(first, end, rows, taskMultipliers, imbalance, dropout, prepareChunk, lossSums, weightSums, out failedTask))
                return false;
            if (end < units || chunks > 0)
                Accumulate(first: chunks == 0);
            chunks++;
            first = end;
        }
        while (first < units);
        if (chunks > 1)
            for (int i = 0; i < _trainable.Count; i++)
                _sums![i].CopyTo(_trainable[i].Gradient, 0);
        AddNoiseAndNormalize();
        _step++;
        return true;
    }

    private int UnitStart(int sampledIndex) => sampledIndex == 0 ? 0 : _stepUnitEnds[sampledIndex - 1];
    private int UnitEnd(int sampledIndex) => _stepUnitEnds[sampledIndex];

    /// <summary>Poisson sampling: each unit joins the step with probability q, independently (geometric gaps between the chosen).</summary>
    private void Sample()
    {
        _sampled.Clear();
        _stepRows.Clear();
        _stepUnitEnds.Clear();
        double q = Guarantee.SamplingRate;
        int units = Units;
        if (q >= 1)
            for (int u = 0; u < units; u++)
                _sampled.Add(u);
        else
        {
            double logMiss = Math.Log(1 - q);
            for (long u = -1; ;)
            {
                u += 1 + (long)Math.Floor(Math.Log(1 - _random.NextDouble()) / logMiss);
                if (u >= units)
                    break;
                _sampled.Add((int)u);
            }
        }
        foreach (int unit in _sampled)
        {
            int start = _unitStarts[unit], count = _unitStarts[unit + 1] - start;
            if (count <= _maxRowsPerUnit)
                for (int r = 0; r < count; r++)
                    _stepRows.Add(_unitRows[start + r]);
            else
            {
                // A seeded random subset of a heavy user's rows: a partial Fisher–Yates shuffle of the user's row list.
                var rows = _unitRows.AsSpan(start, count);
                for (int r = 0; r < _maxRowsPerUnit; r++)
                {
                    int pick = r + _random.Next(count - r);
                    (rows[r], rows[pick]) = (rows[pick], rows[r]);
                    _stepRows.Add(rows[r]);
                }
            }
            _stepUnitEnds.Add(_stepRows.Count);
        }
    }

    /// <summary>Sparse gradients start each step at zero everywhere: the last step's noise filled every row.</summary>
    private void ClearGradients()
    {
        foreach (var parameter in _trainable)
            if (parameter.TouchedRows is { } touched)
            {
                Array.Clear(parameter.Gradient);
                touched.Clear();
            }
    }

    /// <summary>Sampled units [<paramref name="first"/>, <paramref name="end"/>) through both backward passes: Σ clip(g_u) in the gradients.</summary>
    private bool Chunk(int first, int end, int rows, ReadOnlySpan<float> taskMultipliers, IReadOnlyList<TaskImbalance?> imbalance, Random? dropout,
        Action<int> prepareChunk, Span<double> lossSums, Span<double> weightSums, out int failedTask)
    {
        failedTask = -1;
        if (rows == 0)
        {
            // No unit sampled: the step's gradient is noise alone.
            foreach (var parameter in _trainable)
                if (parameter.TouchedRows is null)
                    Array.Clear(parameter.Gradient);
            return true;
        }
        int offset = UnitStart(first);
        var batch = _batches.Gather(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_stepRows).Slice(offset, rows));
        prepareChunk(rows);
        for (int s = first, unit = 0; s < end; s++, unit++)
            for (int r = UnitStart(s) - offset; r < UnitEnd(s) - offset; r++)
                _chunkUnitOfRow[r] = unit;
        int units = end - first;
        // Per-unit losses: the objective without normalisation (each task's weights "sum" to 1), so the output gradients are Σ_{i∈u} ∂L_i.
        if (!MultiTaskObjective.Evaluate(_network, batch, _batches.LabelBuffers, _batches.WeightBuffers, _workspace, dropout, backward: false,
            lossSums, weightSums, out failedTask, out _, taskMultipliers, imbalance, new BatchShard(0, 1, _unnormalized)))
            return false;
        bool dropoutApplied = dropout is not null && _network.Options.Dropout > 0;
        var outputGradients = _workspace.OutputGradients;
        for (int t = 0; t < outputGradients.Length; t++)
            outputGradients[t].AsSpan(0, rows * _workspace.Widths[t]).CopyTo(_savedOutputGradients[t]);

        // Pass 1, norms only: the deltas are back-propagated, no weight gradient is formed.
        _norms.Begin(units == rows ? default : _chunkUnitOfRow.AsSpan(0, rows), rows, units);
        SetSinks(_norms);
        _network.Backward(batch, _workspace, dropoutApplied);
        SetSinks(null);

        float clip = Guarantee.ClipNorm;
        for (int u = 0; u < units; u++)
        {
            double norm = Math.Sqrt(_norms.Squared[u]);
            _unitScale[u] = norm > clip ? (float)(clip / norm) : 1f;
        }
        // Pass 2: each unit's output gradients scaled by its clipping factor; the parameters receive Σ_u clip(g_u).
        for (int t = 0; t < outputGradients.Length; t++)
        {
            int width = _workspace.Widths[t];
            for (int r = 0; r < rows; r++)
            {
                var source = _savedOutputGradients[t].AsSpan(r * width, width);
                var target = outputGradients[t].AsSpan(r * width, width);
                source.CopyTo(target);
                VectorOps.Scale(_unitScale[units == rows ? r : _chunkUnitOfRow[r]], target);
            }
        }
        _network.Backward(batch, _workspace, dropoutApplied);
        return true;
    }

    /// <summary>Adds the chunk's gradients into the step's sums (the first chunk copies), leaving sparse gradients at zero for the next chunk.</summary>
    private void Accumulate(bool first)
    {
        _sums ??= _trainable.Select(p => new float[p.Value.Length]).ToArray();
        for (int i = 0; i < _trainable.Count; i++)
        {
            var parameter = _trainable[i];
            if (first)
                parameter.Gradient.CopyTo(_sums[i], 0);
            else
                VectorOps.AddScaled(1f, parameter.Gradient, _sums[i]);
            ClearTouched(parameter);
        }
    }

    private static void ClearTouched(Parameter parameter)
    {
        if (parameter.TouchedRows is not { } touched)
            return;
        int width = parameter.Columns;
        foreach (int row in touched.Rows)
            parameter.Gradient.AsSpan(row * width, width).Clear();
        touched.Clear();
    }

    /// <summary>g ← (Σ clip(g_u) + N(0, σ²C²)) / (q·units) on every value; sparse gradients become dense (every row is updated).</summary>
    private void AddNoiseAndNormalize()
    {
        float deviation = (float)(Guarantee.NoiseMultiplier * Guarantee.ClipNorm);
        float scale = (float)(1.0 / (Guarantee.SamplingRate * Units));
        for (int i = 0; i < _trainable.Count; i++)
        {
            var parameter = _trainable[i];
            var gradient = parameter.Gradient.AsSpan();
            if (deviation == 0)
                VectorOps.Scale(scale, gradient);
            else if (_secure)
                GaussianNoise.AddSecure(gradient, deviation, scale);
            else
                GaussianNoise.AddSeeded(gradient, deviation, NoiseStream(i), scale: scale);
            parameter.TouchedRows?.Clear(); // dense: the optimizer updates every row
        }
    }

    /// <summary>The seeded noise stream of parameter <paramref name="index"/> at this step.</summary>
    private ulong NoiseStream(int index) => _noiseSeed ^ ((ulong)_step * 0x100000001B3UL + (ulong)index) * 0x9E3779B97F4A7C15UL;

    private void SetSinks(ExampleNorms? sink)
    {
        foreach (var parameter in _trainable)
            parameter.NormSink = sink;
    }

    /// <summary>The training rows grouped by unit (CSR): each row its own unit, or the rows of each user in row order.</summary>
    private static (int[] Starts, int[] Rows) UnitRows(int[] trainRows, int[]? users)
    {
        if (users is null)
            return (Enumerable.Range(0, trainRows.Length + 1).ToArray(), trainRows.ToArray());
        var ids = new Dictionary<int, int>();
        var unitOf = new int[trainRows.Length];
        for (int i = 0; i < trainRows.Length; i++)
        {
            if (!ids.TryGetValue(users[trainRows[i]], out int unit))
                ids[users[trainRows[i]]] = unit = ids.Count;
            unitOf[i] = unit;
        }
        var starts = new int[ids.Count + 1];
        foreach (int unit in unitOf)
            starts[unit + 1]++;
        for (int u = 0; u < ids.Count; u++)
            starts[u + 1] += starts[u];
        var next = starts[..^1].ToArray();
        var rows = new int[trainRows.Length];
        var sorted = trainRows.Select((row, i) => (row, i)).OrderBy(x => x.row);
        foreach (var (row, i) in sorted)
            rows[next[unitOf[i]]++] = row;
        return (starts, rows);
    }
}
