using MlNetMtl.Data;
using MlNetMtl.Networks.Domains;
using MlNetMtl.Numerics;
using MlNetMtl.Settings;

namespace MlNetMtl.Networks.Architectures;

/// <summary>
/// PEPNet (Chang et al., KDD 2023), parameter and embedding personalisation for several domains and tasks. EPNet: a gate
/// reading the domain and the input rows (gradient stopped) scales each input value — the embedding layer, under field
/// embeddings — by a factor in (0, 2). PPNet: one tower per task, without a shared bottom; the input of each of its layers
/// is scaled, per task, by a gate reading the EPNet output (gradient stopped). Here the gates read the whole input rather
/// than chosen user and item fields, which the architecture does not know apart. Needs a domain column; a row of a domain
/// not seen in training has no domain embedding in the EPNet gate.
/// </summary>
public sealed class PepNetOptions : NetworkOptions
{
    internal const string SavedName = "PEPNet";

    /// <summary>Options with PEPNet's default towers: <see cref="NetworkOptions.TowerWidths"/> [128, 64] per task, each layer's input gated.</summary>
    public PepNetOptions() => TowerWidths = [128, 64];

    /// <summary>Width of the hidden layer of each of PEPNet's gates (EPNet's and one per tower layer in PPNet). Default 64.</summary>
    [Setting("pepnet-gate", Search = ["32", "64"])]
    public int GateWidth { get; init; } = 64;

    /// <summary>
    /// Whether the gates read their inputs with the gradient stopped, as in the paper, so the input rows and EPNet's output are
    /// trained by the towers alone and the gates only learn how to scale them. Default true.
    /// </summary>
    [Setting("pepnet-stop-gradient", NotSearched = "the paper's choice; false only makes every gradient exact, for checking it")]
    public bool StopGradients { get; init; } = true;

    internal override string Architecture => SavedName;

    private protected override bool TowersMayBeEmpty => false;

    internal override bool NeedsDomains => true;

    /// <summary>Without the domain: a shared bottom of the default sizes with these towers, input encoder and dropout.</summary>
    internal override NetworkOptions DomainBlindCounterpart => new SharedBottomOptions { TowerWidths = TowerWidths, Dropout = Dropout, Encoder = Encoder };

    internal override void Validate()
    {
        base.Validate();
        if (GateWidth is < 1 or > 65_536)
            throw new ArgumentOutOfRangeException(nameof(GateWidth), GateWidth, "GateWidth must be between 1 and 65536.");
    }

    internal override MultiTaskNetwork Build(int inputDimension, IReadOnlyList<TaskDefinition> tasks, DomainLayout? domains) =>
        new PepNetwork(inputDimension, tasks, this, domains ?? throw new ArgumentException("PEPNet needs a domain column.", nameof(domains)));

    private protected override void WriteSizes(BinaryWriter writer)
    {
        WriteInts(writer, TowerWidths);
        writer.Write(GateWidth);
        writer.Write(StopGradients);
    }

    internal override NetworkOptions ReadSizes(BinaryReader reader, float dropout) =>
        new PepNetOptions { Dropout = dropout, TowerWidths = ReadInts(reader), GateWidth = reader.ReadInt32(), StopGradients = reader.ReadBoolean() };
}

/// <summary>
/// PEPNet (see <see cref="PepNetOptions"/>). With x the input row, d its domain and sg a stopped gradient:
/// e = δ_ep ⊙ x with δ_ep = gate(sg(x), d); task t's layer l reads δ_l,t ⊙ h_l,t with h_0,t = e and
/// δ_l = gate_l(sg(e)), split by task; the last layer is the task's linear output.
/// </summary>
internal sealed class PepNetwork : MultiTaskNetwork
{
    private readonly ScalingGate _epnet;
    /// <summary>PPNet's gate per tower layer, giving every task's scales of that layer's input.</summary>
    private readonly ScalingGate[] _ppnet;
    /// <summary>[task][layer]: ReLU layers, then the linear output.</summary>
    private readonly DenseLayer[][] _towers;
    /// <summary>Input width of each tower layer (the first reads the input rows).</summary>
    private readonly int[] _layerInputs;
    private readonly Parameter[] _parameters;
    private readonly int _width;

    internal PepNetwork(int inputDimension, IReadOnlyList<TaskDefinition> tasks, PepNetOptions options, DomainLayout domains) : base(inputDimension, tasks, options, domains)
    {
        _width = inputDimension;
        _layerInputs = [inputDimension, .. options.TowerWidths];
        _epnet = new ScalingGate("pepnet.epnet", inputDimension, options.GateWidth, inputDimension, domains.Count);
        _ppnet = _layerInputs.Select((w, l) => new ScalingGate($"pepnet.ppnet.{l}", inputDimension, options.GateWidth, Tasks.Count * w, domains: 0)).ToArray();
        _towers = Tasks.Select(task =>
        {
            var layers = new DenseLayer[_layerInputs.Length];
            for (int l = 0; l < layers.Length; l++)
                layers[l] = l < options.TowerWidths.Length
                    ? new DenseLayer($"tower.{task.Name}.{l}", _layerInputs[l], options.TowerWidths[l], Activation.Relu)
                    : new DenseLayer($"tower.{task.Name}.{l}", _layerInputs[l], task.OutputWidth, Activation.Identity);
            return layers;
        }).ToArray();
        _parameters = [.. GateParameters, .. _towers.SelectMany(t => t.SelectMany(l => new[] { l.Weight, l.Bias }))];
    }

    private IEnumerable<Parameter> GateParameters => _epnet.Parameters.Concat(_ppnet.SelectMany(g => g.Parameters));

    private protected override IReadOnlyList<Parameter> LayerParameters => _parameters;

    /// <summary>The gates, which every task's loss reaches (through EPNet's output and PPNet's shared gates).</summary>
    private protected override IEnumerable<Parameter> LayerSharedParameters => GateParameters;

    /// <summary>Every task's first layer, which reads the input values (scaled) slot by slot.</summary>
    private protected override IEnumerable<Parameter> LayerInputWeights => _towers.Select(t => t[0].Weight);

    /// <summary>EPNet's output layer: the last layer every task's loss reaches.</summary>
    internal override IEnumerable<Parameter> LastSharedParameters => [_epnet.OutputWeight];

    internal override Parameter? OutputBias(int task) => _towers[task][^1].Bias;

    private protected override void Initialize(Random random, double firstLayerFanIn)
    {
        _epnet.Initialize(random, firstLayerFanIn + 1); // the input's terms and the domain's one
        foreach (var gate in _ppnet)
            gate.Initialize(random, firstLayerFanIn);
        foreach (var tower in _towers)
            for (int l = 0; l < tower.Length; l++)
                tower[l].Initialize(random, l == 0 ? firstLayerFanIn : tower[l].Inputs);
    }

    internal override NetworkWorkspace CreateWorkspace(int capacity) => new Workspace(this, capacity);

    private protected override void ForwardLayers(InputBatch input, NetworkWorkspace workspace, Random? dropout)
    {
        var state = (Workspace)workspace;
        int rows = input.Rows, width = _width, tasks = Tasks.Count;
        var domains = state.Domains.AsSpan(0, rows);
        var x = DenseInput(input, state);
        _epnet.Forward(x, domains, rows, state.Epnet);
        var embedded = state.Embedded.AsSpan(0, rows * width);
        VectorOps.Multiply(x, state.Epnet.Scales.AsSpan(0, rows * width), embedded);
        for (int l = 0; l < _ppnet.Length; l++)
            _ppnet[l].Forward(embedded, default, rows, state.Ppnet[l]);
        for (int t = 0; t < tasks; t++)
        {
            ReadOnlySpan<float> layerInput = embedded;
            for (int l = 0; l < _layerInputs.Length; l++)
            {
                var layer = _towers[t][l];
                var gated = state.Gated[t][l].AsSpan(0, rows * layer.Inputs);
                ScaleByTask(layerInput, state.Ppnet[l].Scales, t, layer.Inputs, rows, gated);
                var output = state.Outputs[t][l].AsSpan(0, rows * layer.Outputs);
                layer.Forward(gated, rows, output);
                if (dropout is not null && Options.Dropout > 0 && layer.Activation == Activation.Relu)
                    Mlp.ApplyDropout(output, state.Masks[t][l], dropout, Options.Dropout);
                layerInput = output;
            }
        }
    }

    private protected override ExportedOutputs ExportLayers(Export.GraphWriter graph, string input, string? domains)
    {
        // EPNet scales the input; each PPNet gate reads the scaled input and gives every task a scale of its layer's input.
        string embedded = graph.Mul(input, _epnet.Export(graph, input, domains));
        var gates = _ppnet.Select(gate => gate.Export(graph, embedded, null)).ToArray();
        var outputs = new string[Tasks.Count];
        for (int t = 0; t < Tasks.Count; t++)
        {
            string layerInput = embedded;
            for (int l = 0; l < _layerInputs.Length; l++)
            {
                int width = _layerInputs[l];
                layerInput = _towers[t][l].Export(graph, graph.Mul(layerInput, graph.Columns(gates[l], t * width, (t + 1) * width)));
            }
            outputs[t] = layerInput;
        }
        return new(outputs, []);
    }

    /// <summary>Row i of <paramref name="destination"/> = row i of <paramref name="values"/> ⊙ task t's slice of row i of a gate's <paramref name="scales"/>.</summary>
    private void ScaleByTask(ReadOnlySpan<float> values, float[] scales, int task, int width, int rows, Span<float> destination)
    {
        int stride = Tasks.Count * width;
        for (int i = 0; i < rows; i++)
            VectorOps.Multiply(values.Slice(i * width, width), scales.AsSpan(i * stride + task * width, width), destination.Slice(i * width, width));
    }

    /// <summary>The input rows, dense (sparse one-hot rows are spread out into the workspace).</summary>
    private ReadOnlySpan<float> DenseInput(InputBatch input, Workspace state)
    {
        if (!input.IsSparse)
            return input.Dense[..(input.Rows * _width)];
        var dense = state.DenseInput.AsSpan(0, input.Rows * _width);
        dense.Clear();
        for (int i = 0; i < input.Rows; i++)
            input.Sparse.AddRowTo(i, dense.Slice(i * _width, _width));
        return dense;
    }

    private protected override void BackwardLayers(InputBatch input, NetworkWorkspace workspace, bool dropoutApplied)
    {
        var state = (Workspace)workspace;
        int rows = input.Rows, width = _width, tasks = Tasks.Count;
        var domains = state.Domains.AsSpan(0, rows);
        var embedded = state.Embedded.AsSpan(0, rows * width);
        var embeddedGradient = state.EmbeddedGradient.AsSpan(0, rows * width);
        embeddedGradient.Clear();
        for (int t = 0; t < tasks; t++)
        {
            float[] gradient = state.GradientA, next = state.GradientB;
            state.OutputGradients[t].AsSpan(0, rows * state.Widths[t]).CopyTo(gradient);
            for (int l = _layerInputs.Length - 1; l >= 0; l--)
            {
                var layer = _towers[t][l];
                var layerGradient = gradient.AsSpan(0, rows * layer.Outputs);
                if (dropoutApplied && Options.Dropout > 0 && layer.Activation == Activation.Relu)
                    VectorOps.Multiply(layerGradient, state.Masks[t][l].AsSpan(0, layerGradient.Length), layerGradient);
                var gatedGradient = next.AsSpan(0, rows * layer.Inputs);
                layer.Backward(state.Gated[t][l].AsSpan(0, rows * layer.Inputs), state.Outputs[t][l].AsSpan(0, rows * layer.Outputs), layerGradient, gatedGradient, rows);
                // gated = δ ⊙ h: dδ = h ⊙ d(gated) (this task's slice of the gate), dh = δ ⊙ d(gated).
                ReadOnlySpan<float> layerInput = l == 0 ? embedded : state.Outputs[t][l - 1].AsSpan(0, rows * layer.Inputs);
                int stride = tasks * layer.Inputs;
                var gate = state.Ppnet[l];
                var belowGradient = l == 0 ? state.Scratch.AsSpan(0, rows * layer.Inputs) : gradient.AsSpan(0, rows * layer.Inputs);
                for (int i = 0; i < rows; i++)
                {
                    var rowGradient = gatedGradient.Slice(i * layer.Inputs, layer.Inputs);
                    VectorOps.Multiply(layerInput.Slice(i * layer.Inputs, layer.Inputs), rowGradient, gate.ScaleGradients.AsSpan(i * stride + t * layer.Inputs, layer.Inputs));
                    VectorOps.Multiply(gate.Scales.AsSpan(i * stride + t * layer.Inputs, layer.Inputs), rowGradient, belowGradient.Slice(i * layer.Inputs, layer.Inputs));
                }
                if (l == 0)
                    VectorOps.AddScaled(1f, belowGradient, embeddedGradient);
                // gradient, whose dL/d(pre-activation) the layer's backward pass has used, now holds dh: the layer below's output gradient.
            }
        }
        bool stop = ((PepNetOptions)Options).StopGradients;
        for (int l = 0; l < _ppnet.Length; l++)
            _ppnet[l].Backward(embedded, default, rows, state.Ppnet[l], stop ? default : embeddedGradient);

        // e = δ_ep ⊙ x: dδ_ep = x ⊙ de, and de reaches x through δ_ep (and, without stopped gradients, through the gate reading x).
        var x = input.IsSparse ? state.DenseInput.AsSpan(0, rows * width) : input.Dense[..(rows * width)]; // spread out by the forward pass
        VectorOps.Multiply(x, embeddedGradient, state.Epnet.ScaleGradients.AsSpan(0, rows * width));
        var inputGradient = workspace.InputGradient.AsSpan(0, workspace.InputGradient.Length > 0 ? rows * width : 0);
        if (!inputGradient.IsEmpty)
            VectorOps.Multiply(state.Epnet.Scales.AsSpan(0, rows * width), embeddedGradient, inputGradient);
        _epnet.Backward(x, domains, rows, state.Epnet, stop ? default : inputGradient);
    }

    private sealed class Workspace : NetworkWorkspace
    {
        public Workspace(PepNetwork network, int capacity) : base(capacity, network)
        {
            int width = network._width;
            bool dropout = network.Options.Dropout > 0;
            DenseInput = new float[capacity * width];
            Epnet = network._epnet.CreateState(capacity);
            Ppnet = network._ppnet.Select(g => g.CreateState(capacity)).ToArray();
            Embedded = new float[capacity * width];
            EmbeddedGradient = new float[capacity * width];
            Scratch = new float[capacity * width];
            Gated = network._towers.Select(t => t.Select(l => new float[capacity * l.Inputs]).ToArray()).ToArray();
            Outputs = network._towers.Select(t => t.Select(l => new float[capacity * l.Outputs]).ToArray()).ToArray();
            Masks = network._towers.Select(t => t.Select(l => dropout && l.Activation == Activation.Relu ? new float[capacity * l.Outputs] : []).ToArray()).ToArray();
            int widest = network._towers.SelectMany(t => t).Max(l => Math.Max(l.Inputs, l.Outputs));
            GradientA = new float[capacity * widest];
            GradientB = new float[capacity * widest];
        }

        /// <summary>Sparse input rows spread out; unused for dense input.</summary>
        public float[] DenseInput { get; }
        public ScalingGate.State Epnet { get; }
        public ScalingGate.State[] Ppnet { get; }
        /// <summary>EPNet's output e = δ_ep ⊙ x, every tower's first input.</summary>
        public float[] Embedded { get; }
        public float[] EmbeddedGradient { get; }
        /// <summary>One task's dL/de before it is added to <see cref="EmbeddedGradient"/>.</summary>
        public float[] Scratch { get; }
        /// <summary>[task][layer]: the layer's gated input.</summary>
        public float[][][] Gated { get; }
        /// <summary>[task][layer]: the layer's output (after dropout); the last is the task's output.</summary>
        public float[][][] Outputs { get; }
        public float[][][] Masks { get; }
        public float[] GradientA { get; }
        public float[] GradientB { get; }

        public override ReadOnlySpan<float> TaskOutputs(int task, int rows) => Outputs[task][^1].AsSpan(0, rows * Widths[task]);
    }
}
