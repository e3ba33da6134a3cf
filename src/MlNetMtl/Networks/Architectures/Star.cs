using MlNetMtl.Data;
using MlNetMtl.Networks.Domains;
using MlNetMtl.Numerics;
using MlNetMtl.Settings;

namespace MlNetMtl.Networks.Architectures;

/// <summary>
/// STAR (Sheng et al., CIKM 2021), the star topology for several domains in one model: partitioned normalisation of the
/// input, then bottom layers whose weights are a shared centre times each domain's own (<see cref="BottomOptions.BottomWidths"/>),
/// shared towers per task, and a small auxiliary network reading the input and the domain whose outputs are added to the
/// towers'. Needs a domain column; rows of a domain not seen in training are scored by the shared centre.
/// </summary>
public sealed class StarOptions : BottomOptions
{
    internal const string SavedName = "STAR";

    internal override string Architecture => SavedName;

    /// <summary>Width of the hidden layer of STAR's auxiliary network (input and domain one-hot in, one output per task out, added to the towers'); 0 for none. Default 32.</summary>
    [Setting("star-auxiliary", Search = ["0", "32"])]
    public int AuxiliaryWidth { get; init; } = 32;

    /// <summary>Whether STAR scales and shifts each input value by a shared and a per-domain factor and offset (its partitioned normalisation, on inputs the featurizer has standardised). Default true.</summary>
    [Setting("star-norm", Search = ["true", "false"])]
    public bool PartitionedNormalization { get; init; } = true;

    internal override bool NeedsDomains => true;

    internal override NetworkOptions DomainBlindCounterpart => SharedBottomOfTheSameSizes;

    internal override void Validate()
    {
        base.Validate();
        if (AuxiliaryWidth is < 0 or > 65_536)
            throw new ArgumentOutOfRangeException(nameof(AuxiliaryWidth), AuxiliaryWidth, "AuxiliaryWidth must be between 0 (no auxiliary network) and 65536.");
    }

    internal override MultiTaskNetwork Build(int inputDimension, IReadOnlyList<TaskDefinition> tasks, DomainLayout? domains) =>
        new StarNetwork(inputDimension, tasks, this, domains ?? throw new ArgumentException("STAR needs a domain column.", nameof(domains)));

    private protected override void WriteMoreSizes(BinaryWriter writer)
    {
        writer.Write(AuxiliaryWidth);
        writer.Write(PartitionedNormalization);
    }

    internal override NetworkOptions ReadSizes(BinaryReader reader, float dropout) => new StarOptions
    {
        Dropout = dropout, BottomWidths = ReadInts(reader), TowerWidths = ReadInts(reader), AuxiliaryWidth = reader.ReadInt32(), PartitionedNormalization = reader.ReadBoolean(),
    };
}

/// <summary>
/// STAR (see <see cref="StarOptions"/>). A batch is regrouped by domain once at the input (<see cref="DomainGrouping"/>), runs
/// grouped through every layer, and its task outputs are put back in row order.
/// </summary>
internal sealed class StarNetwork : MultiTaskNetwork
{
    private readonly PartitionedNorm? _norm;
    private readonly StarLayer[] _layers;
    private readonly Mlp[] _towers;
    private readonly Mlp? _auxiliary;
    private readonly Parameter[] _parameters;
    private readonly int _domains;
    /// <summary>Width of the rows the layers read (the encoder's output; <see cref="MultiTaskNetwork.InputDimension"/> is the raw input's).</summary>
    private readonly int _width;

    internal StarNetwork(int inputDimension, IReadOnlyList<TaskDefinition> tasks, StarOptions options, DomainLayout domains) : base(inputDimension, tasks, options, domains)
    {
        _domains = domains.Count;
        _width = inputDimension;
        _norm = options.PartitionedNormalization ? new PartitionedNorm("star.norm", inputDimension, _domains) : null;
        int width = inputDimension;
        _layers = options.BottomWidths.Select((w, l) =>
        {
            var layer = new StarLayer($"star.{l}", width, w, _domains, Activation.Relu);
            width = w;
            return layer;
        }).ToArray();
        _towers = Tasks.Select(task => new Mlp($"tower.{task.Name}", width, [.. options.TowerWidths, task.OutputWidth], linearOutput: true)).ToArray();
        _auxiliary = options.AuxiliaryWidth == 0 ? null
            : new Mlp("star.auxiliary", inputDimension + _domains, [options.AuxiliaryWidth, OutputWidth], linearOutput: true);
        _parameters = [.. SharedLayerParameters, .. _towers.SelectMany(t => t.Parameters), .. _auxiliary?.Parameters ?? []];
    }

    private IEnumerable<Parameter> SharedLayerParameters => (_norm?.Parameters ?? []).Concat(_layers.SelectMany(l => l.Parameters));

    private protected override IReadOnlyList<Parameter> LayerParameters => _parameters;

    /// <summary>The normalisation and the star layers; the auxiliary network too, whose hidden layer every task's output reads.</summary>
    private protected override IEnumerable<Parameter> LayerSharedParameters => SharedLayerParameters.Concat(_auxiliary?.Parameters ?? []);

    private protected override IEnumerable<Parameter> LayerInputWeights => [_layers[0].SharedWeight];

    internal override IEnumerable<Parameter> LastSharedParameters => [_layers[^1].SharedWeight];

    internal override Parameter? OutputBias(int task) => _towers[task].Layers[^1].Bias;

    private protected override void Initialize(Random random, double firstLayerFanIn)
    {
        _norm?.Initialize();
        for (int l = 0; l < _layers.Length; l++)
            _layers[l].Initialize(random, l == 0 ? firstLayerFanIn : _layers[l].Inputs);
        foreach (var tower in _towers)
            tower.Initialize(random, tower.Inputs);
        _auxiliary?.Initialize(random, firstLayerFanIn + 1); // the input's terms and the domain's one
    }

    internal override NetworkWorkspace CreateWorkspace(int capacity) => new Workspace(this, capacity);

    private protected override void ForwardLayers(InputBatch input, NetworkWorkspace workspace, Random? dropout)
    {
        var state = (Workspace)workspace;
        int rows = input.Rows, width = _width;
        var groups = state.Groups;
        groups.Group(state.Domains.AsSpan(0, rows));
        var grouped = state.GroupedInput.AsSpan(0, rows * width);
        GatherInput(input, grouped, groups);
        ReadOnlySpan<float> layerInput = grouped;
        if (_norm is not null)
        {
            _norm.Forward(grouped, state.Normalized.AsSpan(0, rows * width), groups, state.NormScratch.AsSpan(0, width));
            layerInput = state.Normalized.AsSpan(0, rows * width);
        }
        for (int l = 0; l < _layers.Length; l++)
        {
            var layer = _layers[l];
            var output = state.LayerOutputs[l].AsSpan(0, rows * layer.Outputs);
            layer.Forward(layerInput, output, groups, state.Layers[l]);
            if (dropout is not null && Options.Dropout > 0)
                Mlp.ApplyDropout(output, state.Masks[l], dropout, Options.Dropout);
            layerInput = output;
        }
        var shared = InputBatch.FromDense(layerInput, rows, _layers[^1].Outputs);
        for (int t = 0; t < _towers.Length; t++)
            _towers[t].Forward(shared, state.Towers[t], dropout, Options.Dropout);
        if (_auxiliary is not null)
            _auxiliary.Forward(InputBatch.FromDense(AuxiliaryInput(state, rows), rows, _auxiliary.Inputs), state.Auxiliary, dropout, Options.Dropout);
        for (int t = 0; t < _towers.Length; t++)
        {
            int taskWidth = state.Widths[t];
            var tower = state.Towers[t].Outputs[^1].AsSpan(0, rows * taskWidth);
            if (_auxiliary is not null)
            {
                var auxiliary = state.Auxiliary.Outputs[^1];
                for (int i = 0; i < rows; i++)
                    VectorOps.AddScaled(1f, auxiliary.AsSpan(i * OutputWidth + OutputOffset(t), taskWidth), tower.Slice(i * taskWidth, taskWidth));
            }
            groups.Scatter(tower, state.Outputs[t].AsSpan(0, rows * taskWidth), taskWidth, rows);
        }
    }

    private protected override ExportedOutputs ExportLayers(Export.GraphWriter graph, string input, string? domains)
    {
        // Rows are not regrouped in the graph: every segment's layer runs on every row, and each row keeps its own segment's.
        string segments = graph.Concat(1, graph.Sub(graph.Scalar("one", 1f), graph.ReduceSum(domains!, axis: 1, keep: true)), domains!);
        string x = _norm is null ? input : _norm.Export(graph, input, segments);
        string shared = x;
        foreach (var layer in _layers)
            shared = layer.Export(graph, shared, segments);
        string? auxiliary = _auxiliary?.Export(graph, graph.Concat(1, x, domains!));
        return new(_towers.Select((tower, t) =>
        {
            string output = tower.Export(graph, shared);
            return auxiliary is null ? output : graph.Add(output, graph.Columns(auxiliary, OutputOffset(t), OutputOffset(t) + Tasks[t].OutputWidth));
        }).ToArray(), []);
    }

    /// <summary>The input rows in grouped order, dense (sparse one-hot rows are spread out).</summary>
    private static void GatherInput(InputBatch input, Span<float> grouped, DomainGrouping groups)
    {
        int width = input.Dimension;
        if (!input.IsSparse)
        {
            groups.Gather(input.Dense, grouped, width, input.Rows);
            return;
        }
        grouped.Clear();
        for (int i = 0; i < input.Rows; i++)
            input.Sparse.AddRowTo(groups.OriginalRow(i), grouped.Slice(i * width, width));
    }

    /// <summary>The auxiliary network's input: the (normalised) input row, then the domain's one-hot (none for the fallback).</summary>
    private Span<float> AuxiliaryInput(Workspace state, int rows)
    {
        int width = _width, auxiliaryWidth = width + _domains;
        var source = _norm is null ? state.GroupedInput : state.Normalized;
        var auxiliaryInput = state.AuxiliaryInput.AsSpan(0, rows * auxiliaryWidth);
        auxiliaryInput.Clear();
        var groups = state.Groups;
        for (int s = 0; s < groups.Segments; s++)
            for (int i = groups.Start(s); i < groups.Start(s) + groups.Count(s); i++)
            {
                source.AsSpan(i * width, width).CopyTo(auxiliaryInput.Slice(i * auxiliaryWidth, width));
                if (s > 0)
                    auxiliaryInput[i * auxiliaryWidth + width + s - 1] = 1f;
            }
        return auxiliaryInput;
    }

    private protected override void BackwardLayers(InputBatch input, NetworkWorkspace workspace, bool dropoutApplied)
    {
        var state = (Workspace)workspace;
        int rows = input.Rows, width = _width;
        var groups = state.Groups;
        bool wantInputGradient = _norm is not null || workspace.InputGradient.Length > 0;
        for (int t = 0; t < _towers.Length; t++)
            groups.Gather(state.OutputGradients[t], state.GroupedOutputGradients[t], state.Widths[t], rows);
        var lastWidth = _layers[^1].Outputs;
        var shared = InputBatch.FromDense(state.LayerOutputs[^1].AsSpan(0, rows * lastWidth), rows, lastWidth);
        var sharedGradient = state.LayerGradientA.AsSpan(0, rows * lastWidth);
        for (int t = 0; t < _towers.Length; t++)
            _towers[t].Backward(shared, state.Towers[t], state.GroupedOutputGradients[t], sharedGradient, accumulateInputGradient: t > 0, dropoutApplied);

        var inputGradient = state.GroupedInputGradient.AsSpan(0, wantInputGradient ? rows * width : 0);
        float[] gradient = state.LayerGradientA, next = state.LayerGradientB;
        for (int l = _layers.Length - 1; l >= 0; l--)
        {
            var layer = _layers[l];
            var layerGradient = gradient.AsSpan(0, rows * layer.Outputs);
            if (dropoutApplied && Options.Dropout > 0)
                VectorOps.Multiply(layerGradient, state.Masks[l].AsSpan(0, layerGradient.Length), layerGradient);
            ReadOnlySpan<float> layerInput = l > 0 ? state.LayerOutputs[l - 1].AsSpan(0, rows * layer.Inputs)
                : (_norm is null ? state.GroupedInput : state.Normalized).AsSpan(0, rows * width);
            var below = l > 0 ? next.AsSpan(0, rows * layer.Inputs) : inputGradient;
            layer.Backward(layerInput, state.LayerOutputs[l].AsSpan(0, rows * layer.Outputs), layerGradient, below, groups, state.Layers[l]);
            (gradient, next) = (next, gradient);
        }
        if (_auxiliary is not null)
        {
            var auxiliaryGradient = state.AuxiliaryGradient.AsSpan(0, rows * OutputWidth);
            for (int t = 0; t < _towers.Length; t++)
            {
                int taskWidth = state.Widths[t];
                for (int i = 0; i < rows; i++)
                    state.GroupedOutputGradients[t].AsSpan(i * taskWidth, taskWidth).CopyTo(auxiliaryGradient.Slice(i * OutputWidth + OutputOffset(t), taskWidth));
            }
            int auxiliaryWidth = _auxiliary.Inputs;
            var auxiliaryInput = InputBatch.FromDense(state.AuxiliaryInput.AsSpan(0, rows * auxiliaryWidth), rows, auxiliaryWidth);
            var auxiliaryInputGradient = state.AuxiliaryInputGradient.AsSpan(0, wantInputGradient ? rows * auxiliaryWidth : 0);
            _auxiliary.Backward(auxiliaryInput, state.Auxiliary, auxiliaryGradient, auxiliaryInputGradient, accumulateInputGradient: false, dropoutApplied);
            if (wantInputGradient)
                for (int i = 0; i < rows; i++)
                    VectorOps.AddScaled(1f, auxiliaryInputGradient.Slice(i * auxiliaryWidth, width), inputGradient.Slice(i * width, width));
        }
        if (!wantInputGradient)
            return;
        if (_norm is not null)
        {
            var normalizedGradient = state.NormalizedGradient.AsSpan(0, rows * width);
            inputGradient.CopyTo(normalizedGradient);
            _norm.Backward(normalizedGradient, state.GroupedInput.AsSpan(0, rows * width), inputGradient, groups, state.NormScratch);
        }
        if (workspace.InputGradient.Length > 0)
            groups.Scatter(inputGradient, workspace.InputGradient.AsSpan(0, rows * width), width, rows);
    }

    private sealed class Workspace : NetworkWorkspace
    {
        public Workspace(StarNetwork network, int capacity) : base(capacity, network)
        {
            int width = network._width;
            bool dropout = network.Options.Dropout > 0;
            Groups = new DomainGrouping(capacity, network._domains);
            GroupedInput = new float[capacity * width];
            GroupedInputGradient = new float[capacity * width];
            if (network._norm is not null)
            {
                Normalized = new float[capacity * width];
                NormalizedGradient = new float[capacity * width];
                NormScratch = new float[2 * width];
            }
            Layers = network._layers.Select(l => l.CreateState()).ToArray();
            LayerOutputs = network._layers.Select(l => new float[capacity * l.Outputs]).ToArray();
            Masks = dropout ? network._layers.Select(l => new float[capacity * l.Outputs]).ToArray() : [];
            int widest = network._layers.Max(l => l.Outputs);
            LayerGradientA = new float[capacity * widest];
            LayerGradientB = new float[capacity * widest];
            Towers = network._towers.Select(t => t.CreateState(capacity, dropout)).ToArray();
            Outputs = network.Tasks.Select(t => new float[capacity * t.OutputWidth]).ToArray();
            GroupedOutputGradients = network.Tasks.Select(t => new float[capacity * t.OutputWidth]).ToArray();
            if (network._auxiliary is { } auxiliary)
            {
                Auxiliary = auxiliary.CreateState(capacity, dropout);
                AuxiliaryInput = new float[capacity * auxiliary.Inputs];
                AuxiliaryInputGradient = new float[capacity * auxiliary.Inputs];
                AuxiliaryGradient = new float[capacity * network.OutputWidth];
            }
        }

        public DomainGrouping Groups { get; }
        /// <summary>The input rows, grouped by domain.</summary>
        public float[] GroupedInput { get; }
        /// <summary>dL/d(grouped input), then of the normalisation's input.</summary>
        public float[] GroupedInputGradient { get; }
        public float[] Normalized { get; } = [];
        public float[] NormalizedGradient { get; } = [];
        public float[] NormScratch { get; } = [];
        public StarLayer.State[] Layers { get; }
        public float[][] LayerOutputs { get; }
        public float[][] Masks { get; }
        public float[] LayerGradientA { get; }
        public float[] LayerGradientB { get; }
        public MlpState[] Towers { get; }
        /// <summary>Each task's outputs in row order (the towers' and the auxiliary network's, summed).</summary>
        public float[][] Outputs { get; }
        public float[][] GroupedOutputGradients { get; }
        public MlpState Auxiliary { get; } = null!;
        public float[] AuxiliaryInput { get; } = [];
        public float[] AuxiliaryInputGradient { get; } = [];
        public float[] AuxiliaryGradient { get; } = [];

        public override ReadOnlySpan<float> TaskOutputs(int task, int rows) => Outputs[task].AsSpan(0, rows * Widths[task]);
    }
}
