using MlNetMtl.Data;
using MlNetMtl.Networks.Domains;
using MlNetMtl.Numerics;
using MlNetMtl.Settings;

namespace MlNetMtl.Networks.Architectures;

/// <summary>
/// Adaptive information transfer multi-task framework (AITM, Xi et al. KDD 2021) for sequentially dependent binary
/// tasks (impression → click → purchase …), in task order. Each task encodes the shared representation with its own
/// tower; from the second task on, an AIT module attends over the information transferred from the previous task
/// and the task's own representation. The behavioural-expectation calibrator adds
/// α · mean over rows of Σₜ max(pₜ − pₜ₋₁, 0): a later step should not be likelier than an earlier one.
/// </summary>
public sealed class AitmOptions : BottomOptions
{
    internal const string SavedName = "AITM";

    /// <summary>Options with AITM's default encoders: <see cref="NetworkOptions.TowerWidths"/> [64, 32], whose last width is the one the AIT module attends in.</summary>
    public AitmOptions() => TowerWidths = [64, 32];

    /// <summary>Weight α of AITM's calibrator loss, which keeps a later funnel step no likelier than an earlier one. Default 0.6 (the paper's).</summary>
    [Setting("calibrator-weight", NotSearched = "the paper's value; the search compares AITM with the other architectures")]
    public float CalibratorWeight { get; init; } = 0.6f;

    internal override string Architecture => SavedName;

    private protected override bool TowersMayBeEmpty => false;

    internal override void Validate()
    {
        base.Validate();
        if (!(CalibratorWeight >= 0 && float.IsFinite(CalibratorWeight)))
            throw new ArgumentOutOfRangeException(nameof(CalibratorWeight), CalibratorWeight, "CalibratorWeight must be finite and ≥ 0.");
    }

    internal override void ValidateTasks(IReadOnlyList<TaskDefinition> tasks)
    {
        if (tasks.Count < 2 || tasks.Any(t => t.Kind != TaskKind.Binary))
            throw new ArgumentException($"AITM needs two or more binary tasks in funnel order; got {string.Join(", ", tasks.Select(t => $"{t.Name} ({t.Kind})"))}.", nameof(tasks));
    }

    internal override MultiTaskNetwork Build(int inputDimension, IReadOnlyList<TaskDefinition> tasks, DomainLayout? domains)
    {
        ValidateTasks(tasks);
        return new AitmNetwork(inputDimension, tasks, this, domains);
    }

    private protected override void WriteMoreSizes(BinaryWriter writer) => writer.Write(CalibratorWeight);

    internal override NetworkOptions ReadSizes(BinaryReader reader, float dropout) =>
        new AitmOptions { Dropout = dropout, BottomWidths = ReadInts(reader), TowerWidths = ReadInts(reader), CalibratorWeight = reader.ReadSingle() };

    /// <summary>The search tries AITM for tasks in funnel order.</summary>
    internal override bool SearchedFor(int tasks, bool chain) => chain && tasks >= 2;

    /// <summary>AITM's calibrator relates the tasks itself: the search weights its losses fixed or by uncertainty only.</summary>
    internal override IReadOnlyList<string>? SearchedWeightings => ["fixed", "uncertainty"];

    internal override NetworkOptions SingleTaskCounterpart => SharedBottomOfTheSameSizes;
}

/// <summary>
/// AITM (see <see cref="AitmOptions"/>). Task t's encoder gives qₜ; z₁ = q₁; for t ≥ 2 the transferred information
/// pₜ = transferₜ(zₜ₋₁) and qₜ are attended: with u ∈ {pₜ, qₜ}, wᵤ = softmaxᵤ(⟨h₁(u), h₂(u)⟩/√d) and
/// zₜ = Σᵤ wᵤ·h₃(u) for learned linear maps h₁, h₂, h₃. Task t's logit is a linear head of zₜ.
/// </summary>
internal sealed class AitmNetwork : BottomNetwork
{
    private readonly Mlp[] _encoders;
    private readonly Mlp?[] _transfers;
    private readonly Mlp?[] _queries;
    private readonly Mlp?[] _keys;
    private readonly Mlp?[] _values;
    private readonly Mlp[] _heads;
    private readonly Parameter[] _parameters;
    private readonly int _width;

    internal AitmNetwork(int inputDimension, IReadOnlyList<TaskDefinition> tasks, AitmOptions options, DomainLayout? domains) : base(inputDimension, tasks, options, domains)
    {
        _encoders = Tasks.Select(t => new Mlp($"tower.{t.Name}", Bottom.Outputs, options.TowerWidths, linearOutput: false)).ToArray();
        _width = options.TowerWidths[^1];
        Mlp? ForLater(int t, string part, bool linear) => t == 0 ? null : new Mlp($"ait.{Tasks[t].Name}.{part}", _width, [_width], linear);
        _transfers = Enumerable.Range(0, Tasks.Count).Select(t => ForLater(t, "transfer", linear: false)).ToArray();
        _queries = Enumerable.Range(0, Tasks.Count).Select(t => ForLater(t, "h1", linear: true)).ToArray();
        _keys = Enumerable.Range(0, Tasks.Count).Select(t => ForLater(t, "h2", linear: true)).ToArray();
        _values = Enumerable.Range(0, Tasks.Count).Select(t => ForLater(t, "h3", linear: true)).ToArray();
        _heads = Tasks.Select(t => new Mlp($"head.{t.Name}", _width, [1], linearOutput: true)).ToArray();
        _parameters = new[] { Bottom }.Concat(_encoders).Concat(_transfers.OfType<Mlp>()).Concat(_queries.OfType<Mlp>()).Concat(_keys.OfType<Mlp>())
            .Concat(_values.OfType<Mlp>()).Concat(_heads).SelectMany(m => m.Parameters).ToArray();
    }

    /// <inheritdoc/>
    private protected override IReadOnlyList<Parameter> LayerParameters => _parameters;

    private float CalibratorWeight => ((AitmOptions)Options).CalibratorWeight;

    private protected override void Initialize(Random random, double firstLayerFanIn)
    {
        Bottom.Initialize(random, firstLayerFanIn);
        foreach (var mlp in _encoders.Concat(_transfers.OfType<Mlp>()).Concat(_queries.OfType<Mlp>()).Concat(_keys.OfType<Mlp>()).Concat(_values.OfType<Mlp>()).Concat(_heads))
            mlp.Initialize(random, mlp.Inputs);
    }

    internal override Parameter? OutputBias(int task) => _heads[task].Layers[^1].Bias;

    internal override NetworkWorkspace CreateWorkspace(int capacity) => new Workspace(this, capacity);

    private protected override void ForwardLayers(InputBatch input, NetworkWorkspace workspace, Random? dropout)
    {
        var state = (Workspace)workspace;
        int rows = input.Rows, d = _width;
        float rate = Options.Dropout;
        var shared = InputBatch.FromDense(Bottom.Forward(input, state.Bottom, dropout, rate), rows, Bottom.Outputs);
        float scale = 1f / MathF.Sqrt(d);
        for (int t = 0; t < Tasks.Count; t++)
        {
            var q = _encoders[t].Forward(shared, state.Encoders[t], dropout, rate);
            var z = state.Z[t].AsSpan(0, rows * d);
            if (t == 0)
            {
                q.CopyTo(z);
            }
            else
            {
                var previous = InputBatch.FromDense(state.Z[t - 1].AsSpan(0, rows * d), rows, d);
                var p = _transfers[t]!.Forward(previous, state.Transfers[t]!, dropout, rate);
                var u = state.U[t].AsSpan(0, 2 * rows * d); // [p; q]
                p.CopyTo(u);
                q.CopyTo(u[(rows * d)..]);
                var stacked = InputBatch.FromDense(u, 2 * rows, d);
                var h1 = _queries[t]!.Forward(stacked, state.Queries[t]!, null, 0);
                var h2 = _keys[t]!.Forward(stacked, state.Keys[t]!, null, 0);
                var h3 = _values[t]!.Forward(stacked, state.Values[t]!, null, 0);
                var weights = state.AttentionWeights[t];
                for (int r = 0; r < rows; r++)
                {
                    int pRow = r * d, qRow = (rows + r) * d;
                    float a1 = VectorOps.Dot(h1.Slice(pRow, d), h2.Slice(pRow, d)) * scale;
                    float a2 = VectorOps.Dot(h1.Slice(qRow, d), h2.Slice(qRow, d)) * scale;
                    float w1 = 1f / (1f + MathF.Exp(a2 - a1)); // softmax over the two items
                    weights[2 * r] = w1;
                    weights[2 * r + 1] = 1f - w1;
                    var row = z.Slice(r * d, d);
                    row.Clear();
                    VectorOps.AddScaled(w1, h3.Slice(pRow, d), row);
                    VectorOps.AddScaled(1f - w1, h3.Slice(qRow, d), row);
                }
            }
            _heads[t].Forward(InputBatch.FromDense(z, rows, d), state.Heads[t], null, 0);
        }
    }

    private protected override ExportedOutputs ExportLayers(Export.GraphWriter graph, string input, string? domains)
    {
        string shared = Bottom.Export(graph, input);
        string scale = graph.Scalar("attention.scale", 1f / MathF.Sqrt(_width));
        var outputs = new string[Tasks.Count];
        string z = "";
        for (int t = 0; t < Tasks.Count; t++)
        {
            string q = _encoders[t].Export(graph, shared);
            if (t == 0)
                z = q;
            else
            {
                // Attention over the two items [p; q]: w₁ = softmax(a₁, a₂)₁ = σ(a₁ − a₂), z = w₁·h₃(p) + (1 − w₁)·h₃(q).
                string p = _transfers[t]!.Export(graph, z);
                string Attention(string item) => graph.Mul(graph.ReduceSum(graph.Mul(_queries[t]!.Export(graph, item), _keys[t]!.Export(graph, item)), axis: 1, keep: true), scale);
                string w1 = graph.Sigmoid(graph.Sub(Attention(p), Attention(q)));
                string valueP = _values[t]!.Export(graph, p), valueQ = _values[t]!.Export(graph, q);
                z = graph.Add(valueQ, graph.Mul(w1, graph.Sub(valueP, valueQ)));
            }
            outputs[t] = _heads[t].Export(graph, z);
        }
        return new(outputs, []);
    }

    private protected override void BackwardLayers(InputBatch input, NetworkWorkspace workspace, bool dropoutApplied)
    {
        var state = (Workspace)workspace;
        int rows = input.Rows, d = _width;
        float scale = 1f / MathF.Sqrt(d);
        var shared = InputBatch.FromDense(state.Bottom.Outputs[^1].AsSpan(0, rows * Bottom.Outputs), rows, Bottom.Outputs);
        var sharedGradient = state.SharedGradient.AsSpan(0, rows * Bottom.Outputs);
        sharedGradient.Clear();
        foreach (var gradient in state.ZGradients)
            gradient.AsSpan(0, rows * d).Clear();

        for (int t = Tasks.Count - 1; t >= 0; t--)
        {
            var z = InputBatch.FromDense(state.Z[t].AsSpan(0, rows * d), rows, d);
            var zGradient = state.ZGradients[t].AsSpan(0, rows * d);
            _heads[t].Backward(z, state.Heads[t], state.OutputGradients[t], zGradient, accumulateInputGradient: true, dropoutApplied: false);
            if (t == 0)
            {
                _encoders[0].Backward(shared, state.Encoders[0], zGradient, sharedGradient, accumulateInputGradient: true, dropoutApplied);
                continue;
            }

            var h1 = state.Queries[t]!.Outputs[^1];
            var h2 = state.Keys[t]!.Outputs[^1];
            var h3 = state.Values[t]!.Outputs[^1];
            var weights = state.AttentionWeights[t];
            for (int r = 0; r < rows; r++)
            {
                // z = w₁h₃(p) + w₂h₃(q): dh₃ = wᵢ·dz, dwᵢ = ⟨dz, h₃ᵢ⟩, da = softmax backward, dh₁ᵢ = daᵢ·h₂ᵢ/√d, dh₂ᵢ = daᵢ·h₁ᵢ/√d.
                var dz = zGradient.Slice(r * d, d);
                int pRow = r * d, qRow = (rows + r) * d;
                float w1 = weights[2 * r], w2 = weights[2 * r + 1];
                float dw1 = VectorOps.Dot(dz, h3.AsSpan(pRow, d)), dw2 = VectorOps.Dot(dz, h3.AsSpan(qRow, d));
                float mean = w1 * dw1 + w2 * dw2;
                float da1 = w1 * (dw1 - mean) * scale, da2 = w2 * (dw2 - mean) * scale;
                Scaled(dz, w1, state.ValueGradient.AsSpan(pRow, d));
                Scaled(dz, w2, state.ValueGradient.AsSpan(qRow, d));
                Scaled(h2.AsSpan(pRow, d), da1, state.QueryGradient.AsSpan(pRow, d));
                Scaled(h2.AsSpan(qRow, d), da2, state.QueryGradient.AsSpan(qRow, d));
                Scaled(h1.AsSpan(pRow, d), da1, state.KeyGradient.AsSpan(pRow, d));
                Scaled(h1.AsSpan(qRow, d), da2, state.KeyGradient.AsSpan(qRow, d));
            }
            var stacked = InputBatch.FromDense(state.U[t].AsSpan(0, 2 * rows * d), 2 * rows, d);
            var uGradient = state.UGradient.AsSpan(0, 2 * rows * d);
            uGradient.Clear();
            _queries[t]!.Backward(stacked, state.Queries[t]!, state.QueryGradient, uGradient, accumulateInputGradient: true, dropoutApplied: false);
            _keys[t]!.Backward(stacked, state.Keys[t]!, state.KeyGradient, uGradient, accumulateInputGradient: true, dropoutApplied: false);
            _values[t]!.Backward(stacked, state.Values[t]!, state.ValueGradient, uGradient, accumulateInputGradient: true, dropoutApplied: false);
            var previous = InputBatch.FromDense(state.Z[t - 1].AsSpan(0, rows * d), rows, d);
            _transfers[t]!.Backward(previous, state.Transfers[t]!, uGradient[..(rows * d)], state.ZGradients[t - 1], accumulateInputGradient: true, dropoutApplied);
            _encoders[t].Backward(shared, state.Encoders[t], uGradient[(rows * d)..], sharedGradient, accumulateInputGradient: true, dropoutApplied);
        }
        Bottom.Backward(input, state.Bottom, sharedGradient, workspace.InputGradient, false, dropoutApplied);
    }

    /// <summary>
    /// The behavioural-expectation calibrator: α/rows · Σᵣ Σₜ≥₂ max(pₜ − pₜ₋₁, 0) with pₜ = σ(logitₜ); its gradient
    /// is α/rows · pₜ(1 − pₜ) on the later logit and minus the same form on the earlier one, where the order is violated.
    /// </summary>
    internal override double AddOutputRegularization(NetworkWorkspace workspace, int rows, int batchRows)
    {
        float alpha = CalibratorWeight;
        if (alpha == 0 || rows == 0)
            return 0;
        double loss = 0;
        for (int t = 1; t < Tasks.Count; t++)
        {
            var later = workspace.TaskOutputs(t, rows);
            var earlier = workspace.TaskOutputs(t - 1, rows);
            for (int r = 0; r < rows; r++)
            {
                double pLater = Sigmoid(later[r]), pEarlier = Sigmoid(earlier[r]);
                if (pLater <= pEarlier)
                    continue;
                loss += alpha * (pLater - pEarlier) / batchRows;
                workspace.OutputGradients[t][r] += (float)(alpha * pLater * (1 - pLater) / batchRows);
                workspace.OutputGradients[t - 1][r] -= (float)(alpha * pEarlier * (1 - pEarlier) / batchRows);
            }
        }
        return loss;
    }

    private static void Scaled(ReadOnlySpan<float> source, float factor, Span<float> destination)
    {
        destination.Clear();
        VectorOps.AddScaled(factor, source, destination);
    }

    private static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

    private sealed class Workspace : NetworkWorkspace
    {
        public Workspace(AitmNetwork network, int capacity) : base(capacity, network)
        {
            bool dropout = network.Options.Dropout > 0;
            int d = network._width, tasks = network.Tasks.Count;
            Bottom = network.Bottom.CreateState(capacity, dropout);
            Encoders = network._encoders.Select(e => e.CreateState(capacity, dropout)).ToArray();
            Transfers = network._transfers.Select(m => m?.CreateState(capacity, dropout)).ToArray();
            Queries = network._queries.Select(m => m?.CreateState(2 * capacity, false)).ToArray();
            Keys = network._keys.Select(m => m?.CreateState(2 * capacity, false)).ToArray();
            Values = network._values.Select(m => m?.CreateState(2 * capacity, false)).ToArray();
            Heads = network._heads.Select(h => h.CreateState(capacity, false)).ToArray();
            Z = Enumerable.Range(0, tasks).Select(_ => new float[capacity * d]).ToArray();
            ZGradients = Enumerable.Range(0, tasks).Select(_ => new float[capacity * d]).ToArray();
            U = Enumerable.Range(0, tasks).Select(t => t == 0 ? [] : new float[2 * capacity * d]).ToArray();
            AttentionWeights = Enumerable.Range(0, tasks).Select(t => t == 0 ? [] : new float[2 * capacity]).ToArray();
            UGradient = new float[2 * capacity * d];
            QueryGradient = new float[2 * capacity * d];
            KeyGradient = new float[2 * capacity * d];
            ValueGradient = new float[2 * capacity * d];
            SharedGradient = new float[capacity * network.Bottom.Outputs];
        }

        public MlpState Bottom { get; }
        public MlpState[] Encoders { get; }
        public MlpState?[] Transfers { get; }
        public MlpState?[] Queries { get; }
        public MlpState?[] Keys { get; }
        public MlpState?[] Values { get; }
        public MlpState[] Heads { get; }
        /// <summary>zₜ per task, rows × d.</summary>
        public float[][] Z { get; }
        public float[][] ZGradients { get; }
        /// <summary>[pₜ; qₜ] stacked, 2·rows × d, for t ≥ 2.</summary>
        public float[][] U { get; }
        /// <summary>(w_p, w_q) per row, for t ≥ 2.</summary>
        public float[][] AttentionWeights { get; }
        public float[] UGradient { get; }
        public float[] QueryGradient { get; }
        public float[] KeyGradient { get; }
        public float[] ValueGradient { get; }
        public float[] SharedGradient { get; }

        public override ReadOnlySpan<float> RepresentationGradient(int rows) => SharedGradient.AsSpan(0, rows * (SharedGradient.Length / Capacity));

        public override ReadOnlySpan<float> TaskOutputs(int task, int rows) => Heads[task].Outputs[^1].AsSpan(0, rows);
    }
}
