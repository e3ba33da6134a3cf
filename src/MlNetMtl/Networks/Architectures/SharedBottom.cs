using MlNetMtl.Data;
using MlNetMtl.Networks.Domains;

namespace MlNetMtl.Networks.Architectures;

/// <summary>Shared-bottom: a shared ReLU MLP, then one tower MLP per task ending in one linear output.</summary>
public sealed class SharedBottomOptions : BottomOptions
{
    internal const string SavedName = "SharedBottom";

    internal override string Architecture => SavedName;

    internal override MultiTaskNetwork Build(int inputDimension, IReadOnlyList<TaskDefinition> tasks, DomainLayout? domains) => new SharedBottomNetwork(inputDimension, tasks, this, domains);

    internal override NetworkOptions ReadSizes(BinaryReader reader, float dropout) =>
        new SharedBottomOptions { Dropout = dropout, BottomWidths = ReadInts(reader), TowerWidths = ReadInts(reader) };
}

/// <summary>
/// Shared-bottom (Caruana 1997): a shared ReLU MLP feeds one tower per task; each tower ends in a single linear
/// output.
/// </summary>
internal sealed class SharedBottomNetwork : BottomNetwork
{
    private readonly Mlp[] _towers;
    private readonly Parameter[] _parameters;

    internal SharedBottomNetwork(int inputDimension, IReadOnlyList<TaskDefinition> tasks, SharedBottomOptions options, DomainLayout? domains) : base(inputDimension, tasks, options, domains)
    {
        _towers = Tasks.Select(task => new Mlp($"tower.{task.Name}", Bottom.Outputs, [.. options.TowerWidths, task.OutputWidth], linearOutput: true)).ToArray();
        _parameters = Bottom.Parameters.Concat(_towers.SelectMany(t => t.Parameters)).ToArray();
    }

    /// <inheritdoc/>
    private protected override IReadOnlyList<Parameter> LayerParameters => _parameters;

    private protected override void Initialize(Random random, double firstLayerFanIn)
    {
        Bottom.Initialize(random, firstLayerFanIn);
        foreach (var tower in _towers)
            tower.Initialize(random, tower.Inputs);
    }

    internal override Parameter? OutputBias(int task) => _towers[task].Layers[^1].Bias;

    internal override NetworkWorkspace CreateWorkspace(int capacity) => new Workspace(this, capacity);

    private protected override ExportedOutputs ExportLayers(Export.GraphWriter graph, string input, string? domains)
    {
        string shared = Bottom.Export(graph, input);
        return new(_towers.Select(tower => tower.Export(graph, shared)).ToArray(), []);
    }

    private protected override void ForwardLayers(InputBatch input, NetworkWorkspace workspace, Random? dropout)
    {
        var state = (Workspace)workspace;
        float rate = Options.Dropout;
        var shared = Bottom.Forward(input, state.Bottom, dropout, rate);
        var sharedBatch = InputBatch.FromDense(shared, input.Rows, Bottom.Outputs);
        for (int t = 0; t < _towers.Length; t++)
            _towers[t].Forward(sharedBatch, state.Towers[t], dropout, rate);
    }

    private protected override void BackwardLayers(InputBatch input, NetworkWorkspace workspace, bool dropoutApplied)
    {
        var state = (Workspace)workspace;
        int rows = input.Rows;
        var shared = InputBatch.FromDense(state.Bottom.Outputs[^1].AsSpan(0, rows * Bottom.Outputs), rows, Bottom.Outputs);
        var sharedGradient = state.SharedGradient.AsSpan(0, rows * Bottom.Outputs);
        for (int t = 0; t < _towers.Length; t++)
            _towers[t].Backward(shared, state.Towers[t], state.OutputGradients[t], sharedGradient, accumulateInputGradient: t > 0, dropoutApplied);
        Bottom.Backward(input, state.Bottom, sharedGradient, workspace.InputGradient, false, dropoutApplied);
    }

    private sealed class Workspace : NetworkWorkspace
    {
        public Workspace(SharedBottomNetwork network, int capacity) : base(capacity, network)
        {
            bool dropout = network.Options.Dropout > 0;
            Bottom = network.Bottom.CreateState(capacity, dropout);
            Towers = network._towers.Select(t => t.CreateState(capacity, dropout)).ToArray();
            SharedGradient = new float[capacity * network.Bottom.Outputs];
        }

        public MlpState Bottom { get; }
        public MlpState[] Towers { get; }
        /// <summary>dL/d(bottom output), summed over the towers.</summary>
        public float[] SharedGradient { get; }

        public override ReadOnlySpan<float> RepresentationGradient(int rows) => SharedGradient.AsSpan(0, rows * (SharedGradient.Length / Capacity));

        public override ReadOnlySpan<float> TaskOutputs(int task, int rows) => Towers[task].Outputs[^1].AsSpan(0, rows * Widths[task]);
    }
}
