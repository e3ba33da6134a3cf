using MlNetMtl.Data;

namespace MlNetMtl.Networks;

/// <summary>
/// Shared-bottom (Caruana 1997): a shared ReLU MLP feeds one tower per task; each tower ends in a single linear
/// output.
/// </summary>
public sealed class SharedBottomNetwork : MultiTaskNetwork
{
    private readonly Mlp _bottom;
    private readonly Mlp[] _towers;
    private readonly Parameter[] _parameters;

    internal SharedBottomNetwork(int inputDimension, IReadOnlyList<TaskDefinition> tasks, SharedBottomOptions options) : base(inputDimension, tasks, options)
    {
        _bottom = new Mlp("bottom", inputDimension, options.BottomWidths, linearOutput: false);
        _towers = Tasks.Select(task => new Mlp($"tower.{task.Name}", _bottom.Outputs, [.. options.TowerWidths, task.OutputWidth], linearOutput: true)).ToArray();
        _parameters = _bottom.Parameters.Concat(_towers.SelectMany(t => t.Parameters)).ToArray();
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => _parameters;

    private protected override void Initialize(Random random, double firstLayerFanIn)
    {
        _bottom.Initialize(random, firstLayerFanIn);
        foreach (var tower in _towers)
            tower.Initialize(random, tower.Inputs);
    }

    internal override Parameter? OutputBias(int task) => _towers[task].Layers[^1].Bias;

    internal override IEnumerable<Parameter> SharedParameters => _bottom.Parameters;

    internal override IEnumerable<Parameter> InputLayerWeights => [_bottom.Layers[0].Weight];

    internal override IEnumerable<Parameter> LastSharedParameters => [_bottom.Layers[^1].Weight];

    internal override NetworkWorkspace CreateWorkspace(int capacity) => new Workspace(this, capacity);

    internal override void Forward(InputBatch input, NetworkWorkspace workspace, Random? dropout)
    {
        var state = (Workspace)workspace;
        float rate = Options.Dropout;
        var shared = _bottom.Forward(input, state.Bottom, dropout, rate);
        var sharedBatch = InputBatch.FromDense(shared, input.Rows, _bottom.Outputs);
        for (int t = 0; t < _towers.Length; t++)
            _towers[t].Forward(sharedBatch, state.Towers[t], dropout, rate);
    }

    internal override void Backward(InputBatch input, NetworkWorkspace workspace, bool dropoutApplied)
    {
        var state = (Workspace)workspace;
        int rows = input.Rows;
        var shared = InputBatch.FromDense(state.Bottom.Outputs[^1].AsSpan(0, rows * _bottom.Outputs), rows, _bottom.Outputs);
        var sharedGradient = state.SharedGradient.AsSpan(0, rows * _bottom.Outputs);
        for (int t = 0; t < _towers.Length; t++)
            _towers[t].Backward(shared, state.Towers[t], state.OutputGradients[t], sharedGradient, accumulateInputGradient: t > 0, dropoutApplied);
        _bottom.Backward(input, state.Bottom, sharedGradient, default, false, dropoutApplied);
    }

    private sealed class Workspace : NetworkWorkspace
    {
        public Workspace(SharedBottomNetwork network, int capacity) : base(capacity, network.Tasks)
        {
            bool dropout = network.Options.Dropout > 0;
            Bottom = network._bottom.CreateState(capacity, dropout);
            Towers = network._towers.Select(t => t.CreateState(capacity, dropout)).ToArray();
            SharedGradient = new float[capacity * network._bottom.Outputs];
        }

        public MlpState Bottom { get; }
        public MlpState[] Towers { get; }
        /// <summary>dL/d(bottom output), summed over the towers.</summary>
        public float[] SharedGradient { get; }

        public override ReadOnlySpan<float> RepresentationGradient(int rows) => SharedGradient.AsSpan(0, rows * (SharedGradient.Length / Capacity));

        public override ReadOnlySpan<float> TaskOutputs(int task, int rows) => Towers[task].Outputs[^1].AsSpan(0, rows * Widths[task]);
    }
}
