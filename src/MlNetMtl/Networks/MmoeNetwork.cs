using MlNetMtl.Data;
using MlNetMtl.Numerics;

namespace MlNetMtl.Networks;

/// <summary>
/// MMoE / OMoE (see <see cref="MmoeOptions"/>): task t's tower reads hₜ = Σₑ gₜₑ(x)·Eₑ(x), with
/// gₜ(x) = softmax(Wₜx + bₜ) over the experts.
/// </summary>
public sealed class MmoeNetwork : MultiTaskNetwork
{
    private readonly Mlp[] _experts;
    private readonly Mlp[] _gates;
    private readonly Mlp[] _towers;
    private readonly Parameter[] _parameters;
    private readonly int _width;

    internal MmoeNetwork(int inputDimension, IReadOnlyList<TaskDefinition> tasks, MmoeOptions options) : base(inputDimension, tasks, options)
    {
        _experts = Enumerable.Range(0, options.ExpertCount).Select(e => new Mlp($"expert.{e}", inputDimension, options.ExpertWidths, linearOutput: false)).ToArray();
        _width = _experts[0].Outputs;
        var gateNames = options.SharedGate ? ["shared"] : Tasks.Select(t => t.Name);
        _gates = gateNames.Select(name => new Mlp($"gate.{name}", inputDimension, [options.ExpertCount], linearOutput: true)).ToArray();
        _towers = Tasks.Select(task => new Mlp($"tower.{task.Name}", _width, [.. options.TowerWidths, 1], linearOutput: true)).ToArray();
        _parameters = _experts.Concat(_gates).Concat(_towers).SelectMany(m => m.Parameters).ToArray();
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>Number of experts.</summary>
    public int ExpertCount => _experts.Length;

    /// <summary>
    /// Mean gate weight per task (rows) per expert (columns) over <paramref name="input"/>: how much each task
    /// relies on each expert. With a shared gate (OMoE) every task's row is the same.
    /// </summary>
    public double[][] MeanGateWeights(InputBatch input)
    {
        CheckInput(input);
        var sums = new double[_gates.Length][];
        var workspace = (Workspace)CreateWorkspace(Math.Min(1024, Math.Max(1, input.Rows)));
        for (int g = 0; g < _gates.Length; g++)
            sums[g] = new double[ExpertCount];
        for (int start = 0; start < input.Rows; start += workspace.Capacity)
        {
            int rows = Math.Min(workspace.Capacity, input.Rows - start);
            var batch = input.IsSparse
                ? InputBatch.FromSparse(new CsrRows(input.Sparse.RowStarts.Slice(start, rows + 1), input.Sparse.Indices, input.Sparse.Values, input.Sparse.Columns))
                : InputBatch.FromDense(input.Dense.Slice(start * input.Dimension, rows * input.Dimension), rows, input.Dimension);
            ComputeGates(batch, workspace);
            for (int g = 0; g < _gates.Length; g++)
                for (int i = 0; i < rows * ExpertCount; i++)
                    sums[g][i % ExpertCount] += workspace.GateProbabilities[g][i];
        }
        int count = Math.Max(1, input.Rows);
        return Enumerable.Range(0, Tasks.Count).Select(t => sums[GateOf(t)].Select(s => s / count).ToArray()).ToArray();
    }

    private int GateOf(int task) => _gates.Length == 1 ? 0 : task;

    private protected override void Initialize(Random random, double firstLayerFanIn)
    {
        foreach (var expert in _experts)
            expert.Initialize(random, firstLayerFanIn);
        foreach (var gate in _gates)
            gate.Initialize(random, firstLayerFanIn);
        foreach (var tower in _towers)
            tower.Initialize(random, tower.Inputs);
    }

    internal override NetworkWorkspace CreateWorkspace(int capacity) => new Workspace(this, capacity);

    internal override void Forward(InputBatch input, NetworkWorkspace workspace, Random? dropout)
    {
        var state = (Workspace)workspace;
        int rows = input.Rows;
        float rate = Options.Dropout;
        for (int e = 0; e < _experts.Length; e++)
            _experts[e].Forward(input, state.Experts[e], dropout, rate);
        ComputeGates(input, state);
        for (int t = 0; t < _towers.Length; t++)
        {
            var mixed = state.Mixed[t].AsSpan(0, rows * _width);
            var gate = state.GateProbabilities[GateOf(t)];
            mixed.Clear();
            for (int r = 0; r < rows; r++)
            {
                var row = mixed.Slice(r * _width, _width);
                for (int e = 0; e < _experts.Length; e++)
                    VectorOps.AddScaled(gate[r * ExpertCount + e], state.Experts[e].Outputs[^1].AsSpan(r * _width, _width), row);
            }
            _towers[t].Forward(InputBatch.FromDense(mixed, rows, _width), state.Towers[t], dropout, rate);
        }
    }

    internal override void Backward(InputBatch input, NetworkWorkspace workspace, bool dropoutApplied)
    {
        var state = (Workspace)workspace;
        int rows = input.Rows, experts = ExpertCount;
        foreach (var gradient in state.ExpertGradients)
            gradient.AsSpan(0, rows * _width).Clear();
        foreach (var gradient in state.GateGradients)
            gradient.AsSpan(0, rows * experts).Clear();

        for (int t = 0; t < _towers.Length; t++)
        {
            var mixed = InputBatch.FromDense(state.Mixed[t].AsSpan(0, rows * _width), rows, _width);
            var mixedGradient = state.MixedGradient.AsSpan(0, rows * _width);
            _towers[t].Backward(mixed, state.Towers[t], state.OutputGradients[t], mixedGradient, accumulateInputGradient: false, dropoutApplied);
            int g = GateOf(t);
            var gate = state.GateProbabilities[g];
            var gateGradient = state.GateGradients[g];
            for (int r = 0; r < rows; r++)
            {
                var rowGradient = mixedGradient.Slice(r * _width, _width);
                for (int e = 0; e < experts; e++)
                {
                    // hₜ = Σₑ gₜₑ·Eₑ: dEₑ += gₜₑ·dhₜ and dgₜₑ += ⟨dhₜ, Eₑ⟩.
                    VectorOps.AddScaled(gate[r * experts + e], rowGradient, state.ExpertGradients[e].AsSpan(r * _width, _width));
                    gateGradient[r * experts + e] += VectorOps.Dot(rowGradient, state.Experts[e].Outputs[^1].AsSpan(r * _width, _width));
                }
            }
        }

        for (int g = 0; g < _gates.Length; g++)
        {
            var logitsGradient = state.GateGradients[g].AsSpan(0, rows * experts);
            Softmax.RowsBackward(state.GateProbabilities[g], logitsGradient, logitsGradient, rows, experts);
            _gates[g].Backward(input, state.Gates[g], logitsGradient, default, false, dropoutApplied: false);
        }
        for (int e = 0; e < _experts.Length; e++)
            _experts[e].Backward(input, state.Experts[e], state.ExpertGradients[e], default, false, dropoutApplied);
    }

    /// <summary>Gate logits, then their row softmax into <see cref="Workspace.GateProbabilities"/>.</summary>
    private void ComputeGates(InputBatch input, Workspace state)
    {
        for (int g = 0; g < _gates.Length; g++)
        {
            var logits = _gates[g].Forward(input, state.Gates[g], dropout: null, rate: 0);
            Softmax.Rows(logits, state.GateProbabilities[g], input.Rows, ExpertCount);
        }
    }

    private sealed class Workspace : NetworkWorkspace
    {
        public Workspace(MmoeNetwork network, int capacity) : base(capacity, network.Tasks.Count)
        {
            bool dropout = network.Options.Dropout > 0;
            int width = network._width, experts = network.ExpertCount;
            Experts = network._experts.Select(e => e.CreateState(capacity, dropout)).ToArray();
            Gates = network._gates.Select(g => g.CreateState(capacity, dropout: false)).ToArray();
            Towers = network._towers.Select(t => t.CreateState(capacity, dropout)).ToArray();
            GateProbabilities = network._gates.Select(_ => new float[capacity * experts]).ToArray();
            GateGradients = network._gates.Select(_ => new float[capacity * experts]).ToArray();
            Mixed = network._towers.Select(_ => new float[capacity * width]).ToArray();
            MixedGradient = new float[capacity * width];
            ExpertGradients = network._experts.Select(_ => new float[capacity * width]).ToArray();
        }

        public MlpState[] Experts { get; }
        public MlpState[] Gates { get; }
        public MlpState[] Towers { get; }
        /// <summary>Softmax of each gate's logits, rows × experts.</summary>
        public float[][] GateProbabilities { get; }
        /// <summary>dL/d(gate probability), then in place dL/d(gate logit).</summary>
        public float[][] GateGradients { get; }
        /// <summary>Each task's mixture of expert outputs, rows × expert width.</summary>
        public float[][] Mixed { get; }
        public float[] MixedGradient { get; }
        /// <summary>dL/d(expert output), summed over the tasks.</summary>
        public float[][] ExpertGradients { get; }

        public override ReadOnlySpan<float> TaskOutputs(int task, int rows) => Towers[task].Outputs[^1].AsSpan(0, rows);
    }
}
