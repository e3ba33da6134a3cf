using MlNetMtl.Numerics;

namespace MlNetMtl.Networks;

/// <summary>
/// One level of a mixture of experts: expert MLPs and softmax gates, each reading one of the level's input
/// representations; each gate's output is the gate-weighted sum of the experts it mixes. One level with every
/// gate mixing every expert is MMoE; stacked levels with task-specific and shared experts are PLE's extraction
/// network (CGC for one level). With domains, each gate's logits also get a learned row per domain (equivalently, the
/// domain's one-hot joins the gate's input): the mixture of experts is conditioned on the scenario; a row of no known
/// domain gets none.
/// </summary>
internal sealed class ExtractionLevel
{
    /// <summary>An expert: its name and which input representation it reads.</summary>
    public sealed record Expert(string Name, int Input);

    /// <summary>A gate: its name, which input representation it reads, and which experts (by index) it mixes.</summary>
    public sealed record Gate(string Name, int Input, int[] Experts);

    private readonly Mlp[] _experts;
    private readonly int[] _expertInput;
    private readonly Mlp[] _gates;
    private readonly int[] _gateInput;
    private readonly int[][] _gateExperts;
    private readonly SharedInputExperts[] _sharedInputs;
    /// <summary>Per gate, its logits' row per domain (domains × mixed experts); empty without domains.</summary>
    private readonly Parameter[] _domainGates;

    /// <param name="inputWidths">Width of each input representation.</param>
    /// <param name="experts">The experts.</param>
    /// <param name="gates">The gates.</param>
    /// <param name="expertWidths">Every expert's layer widths.</param>
    /// <param name="domains">The number of domains whose rows condition the gates; 0 for none.</param>
    public ExtractionLevel(int[] inputWidths, IReadOnlyList<Expert> experts, IReadOnlyList<Gate> gates, int[] expertWidths, int domains)
    {
        _domainGates = domains == 0 ? [] : gates.Select(g => new Parameter($"{g.Name}.domain", domains, g.Experts.Length, decays: true)).ToArray();
        _experts = experts.Select(e => new Mlp(e.Name, inputWidths[e.Input], expertWidths, linearOutput: false)).ToArray();
        _expertInput = experts.Select(e => e.Input).ToArray();
        _gates = gates.Select(g => new Mlp(g.Name, inputWidths[g.Input], [g.Experts.Length], linearOutput: true)).ToArray();
        _gateInput = gates.Select(g => g.Input).ToArray();
        _gateExperts = gates.Select(g => g.Experts).ToArray();
        ExpertNames = experts.Select(e => e.Name).ToArray();
        Width = expertWidths[^1];
        _sharedInputs = _expertInput.Concat(_gateInput).Distinct()
            .Select(input => (input, experts: Enumerable.Range(0, experts.Count).Where(e => _expertInput[e] == input).ToArray(),
                gates: Enumerable.Range(0, gates.Count).Where(g => _gateInput[g] == input).ToArray()))
            .Where(group => group.experts.Length + group.gates.Length > 1)
            .Select(group => new SharedInputExperts(group.input, group.experts, group.gates, _experts, _gates)).ToArray();
    }

    /// <summary>Width of every expert's output, and so of every gate's output.</summary>
    public int Width { get; }
    public int GateCount => _gates.Length;
    public IReadOnlyList<string> ExpertNames { get; }
    public IReadOnlyList<int> GateExperts(int gate) => _gateExperts[gate];
    public IEnumerable<Parameter> Parameters => _experts.Concat(_gates).SelectMany(m => m.Parameters).Concat(_domainGates);

    /// <summary>Each expert's first weight matrix.</summary>
    public IEnumerable<Parameter> ExpertInputWeights => _experts.Select(e => e.Layers[0].Weight);

    /// <summary>Each expert's last weight matrix.</summary>
    public IEnumerable<Parameter> ExpertOutputWeights => _experts.Select(e => e.Layers[^1].Weight);

    /// <summary>Initialises experts then gates; <paramref name="fanIns"/> gives each input's fan-in for the layers reading it.</summary>
    public void Initialize(Random random, double[] fanIns)
    {
        for (int e = 0; e < _experts.Length; e++)
            _experts[e].Initialize(random, fanIns[_expertInput[e]]);
        for (int g = 0; g < _gates.Length; g++)
            _gates[g].Initialize(random, fanIns[_gateInput[g]]);
    }

    public State CreateState(int capacity, bool dropout) => new(this, capacity, dropout);

    /// <summary>
    /// Writes the level's inference pass: each gate's softmax-weighted sum of its experts' outputs, one tensor per gate.
    /// <paramref name="inputs"/> gives the tensor of each input index; <paramref name="domains"/> each row's domain indicators
    /// ([rows, domains], all zero for a row of no domain), or null without domain gates.
    /// </summary>
    public string[] Export(Export.GraphWriter graph, Func<int, string> inputs, string? domains)
    {
        var experts = _experts.Select((expert, e) => expert.Export(graph, inputs(_expertInput[e]))).ToArray();
        var outputs = new string[_gates.Length];
        for (int g = 0; g < _gates.Length; g++)
        {
            int mixed = _gateExperts[g].Length;
            string logits = _gates[g].Export(graph, inputs(_gateInput[g]));
            if (_domainGates.Length > 0 && domains is not null)
                logits = graph.Add(logits, graph.MatMul(domains, graph.Constant(_domainGates[g]))); // adds the row's domain row of the table
            string probabilities = graph.Reshape(graph.Softmax(logits), -1, mixed, 1);
            string stacked = graph.Concat(1, _gateExperts[g].Select(e => graph.Reshape(experts[e], -1, 1, Width)).ToArray());
            outputs[g] = graph.ReduceSum(graph.Mul(stacked, probabilities), axis: 1, keep: false); // Σⱼ pⱼ·Eⱼ
        }
        return outputs;
    }

    /// <summary>
    /// Runs experts and gates on <paramref name="inputs"/>; gate g's output is in <see cref="State.Outputs"/>[g].
    /// <paramref name="domains"/> holds each row's domain (empty without domains).
    /// </summary>
    public void Forward(LevelInputs inputs, ReadOnlySpan<int> domains, State state, Random? dropout, float rate)
    {
        int rows = inputs.Rows;
        Array.Clear(state.FirstLayerDone);
        Array.Clear(state.LogitsDone);
        for (int g = 0; g < _sharedInputs.Length; g++)
        {
            var group = _sharedInputs[g];
            var input = inputs[group.Input];
            if (input.IsSparse)
                continue; // a sparse first layer costs its non-zeros per expert already
            group.Forward(_experts, _gates, input, state.Experts, state.Gates, state.SharedInputBuffers[g]);
            foreach (int e in group.Experts)
                state.FirstLayerDone[e] = true;
            foreach (int gate in group.Gates)
                state.LogitsDone[gate] = true;
        }
        for (int e = 0; e < _experts.Length; e++)
            _experts[e].Forward(inputs[_expertInput[e]], state.Experts[e], dropout, rate, state.FirstLayerDone[e]);
        ComputeGates(inputs, domains, state, state.LogitsDone);
        for (int g = 0; g < _gates.Length; g++)
        {
            var output = state.Outputs[g].AsSpan(0, rows * Width);
            var probabilities = state.GateProbabilities[g];
            int mixed = _gateExperts[g].Length;
            output.Clear();
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < mixed; j++)
                    VectorOps.AddScaled(probabilities[r * mixed + j], ExpertOutput(state, _gateExperts[g][j], r), output.Slice(r * Width, Width));
        }
    }

    /// <summary>Gate logits and their softmax, for <see cref="Forward"/> and utilisation reports.</summary>
    /// <param name="inputs">The level's inputs.</param>
    /// <param name="domains">Each row's domain; empty without domains.</param>
    /// <param name="state">Where the logits and probabilities go.</param>
    /// <param name="logitsDone">Gates whose logits are already in the state (computed with the experts' first layers), or null.</param>
    private void ComputeGates(LevelInputs inputs, ReadOnlySpan<int> domains, State state, bool[] logitsDone)
    {
        for (int g = 0; g < _gates.Length; g++)
        {
            int mixed = _gateExperts[g].Length;
            var logits = logitsDone[g]
                ? state.Gates[g].Outputs[0].AsSpan(0, inputs.Rows * mixed)
                : _gates[g].Forward(inputs[_gateInput[g]], state.Gates[g], dropout: null, rate: 0);
            if (_domainGates.Length > 0)
                for (int r = 0; r < inputs.Rows; r++)
                    if (domains[r] >= 0)
                        VectorOps.AddScaled(1f, _domainGates[g].Value.AsSpan(domains[r] * mixed, mixed), logits.Slice(r * mixed, mixed));
            Softmax.Rows(logits, state.GateProbabilities[g], inputs.Rows, mixed);
        }
    }

    /// <summary>
    /// Backward pass from dL/d(gate output) in <paramref name="outputGradients"/> (rows × Width each). Adds dL/d(input)
    /// into <paramref name="inputGradients"/>[i] for each input whose buffer is given (the caller zeroes them); an
    /// input with an empty buffer (the network input) gets none.
    /// </summary>
    public void Backward(LevelInputs inputs, ReadOnlySpan<int> domains, State state, float[][] outputGradients, float[][] inputGradients, bool dropoutApplied)
    {
        int rows = inputs.Rows;
        foreach (var gradient in state.ExpertGradients)
            gradient.AsSpan(0, rows * Width).Clear();
        // Groups whose first-layer weight gradients run as one product: dense input, and no input gradient wanted (the network input).
        Array.Clear(state.FirstLayerDone);
        Array.Clear(state.LogitsDone);
        for (int group = 0; group < _sharedInputs.Length; group++)
        {
            int input = _sharedInputs[group].Input;
            state.GroupFused[group] = !inputs[input].IsSparse && inputGradients[input].Length == 0;
            if (!state.GroupFused[group])
                continue;
            foreach (int e in _sharedInputs[group].Experts)
                state.FirstLayerDone[e] = true;
            foreach (int gate in _sharedInputs[group].Gates)
                state.LogitsDone[gate] = true;
        }
        for (int g = 0; g < _gates.Length; g++)
        {
            var probabilities = state.GateProbabilities[g];
            var gateGradient = state.GateGradients[g];
            int mixed = _gateExperts[g].Length;
            for (int r = 0; r < rows; r++)
            {
                var rowGradient = outputGradients[g].AsSpan(r * Width, Width);
                for (int j = 0; j < mixed; j++)
                {
                    // out = Σⱼ pⱼ·Eⱼ: dEⱼ += pⱼ·dout and dpⱼ = ⟨dout, Eⱼ⟩.
                    int e = _gateExperts[g][j];
                    VectorOps.AddScaled(probabilities[r * mixed + j], rowGradient, state.ExpertGradients[e].AsSpan(r * Width, Width));
                    gateGradient[r * mixed + j] = VectorOps.Dot(rowGradient, ExpertOutput(state, e, r));
                }
            }
            var logitsGradient = gateGradient.AsSpan(0, rows * mixed);
            // p = softmax(z): dz = p ⊙ (dp − ⟨dp, p⟩) per row.
            Softmax.RowsBackward(probabilities, logitsGradient, logitsGradient, rows, mixed);
            if (_domainGates.Length > 0)
                DomainGateBackward(_domainGates[g], domains, logitsGradient, rows, mixed);
            if (!state.LogitsDone[g])
                _gates[g].Backward(inputs[_gateInput[g]], state.Gates[g], logitsGradient, inputGradients[_gateInput[g]], accumulateInputGradient: true, dropoutApplied: false);
        }
        for (int g = 0; g < _sharedInputs.Length; g++)
            if (state.GroupFused[g])
                _sharedInputs[g].Backward(_experts, _gates, inputs[_sharedInputs[g].Input], state.Experts, state.ExpertGradients, state.GateGradients, dropoutApplied,
                    state.SharedInputBuffers[g]);
        for (int e = 0; e < _experts.Length; e++)
            if (!state.FirstLayerDone[e])
                _experts[e].Backward(inputs[_expertInput[e]], state.Experts[e], state.ExpertGradients[e], inputGradients[_expertInput[e]], accumulateInputGradient: true, dropoutApplied);
    }

    /// <summary>
    /// A level's input representations: the network input (every index, for the first level) or the previous
    /// level's gate outputs (dense, rows × width each).
    /// </summary>
    internal readonly ref struct LevelInputs
    {
        private readonly InputBatch _network;
        private readonly float[][]? _dense;
        private readonly int _width;

        private LevelInputs(InputBatch network, float[][]? dense, int rows, int width)
        {
            _network = network;
            _dense = dense;
            Rows = rows;
            _width = width;
        }

        public int Rows { get; }

        public static LevelInputs Network(InputBatch input) => new(input, null, input.Rows, input.Dimension);

        public static LevelInputs Previous(float[][] outputs, int rows, int width) => new(default, outputs, rows, width);

        public InputBatch this[int index] => _dense is null ? _network : InputBatch.FromDense(_dense[index].AsSpan(0, Rows * _width), Rows, _width);
    }

    /// <summary>dL/d(a gate's domain rows): the sum of its logits' gradients over the rows of each domain.</summary>
    private static void DomainGateBackward(Parameter table, ReadOnlySpan<int> domains, ReadOnlySpan<float> logitsGradient, int rows, int mixed)
    {
        if (!table.NeedsGradient)
            return;
        Array.Clear(table.Gradient);
        for (int r = 0; r < rows; r++)
            if (domains[r] >= 0)
                VectorOps.AddScaled(1f, logitsGradient.Slice(r * mixed, mixed), table.Gradient.AsSpan(domains[r] * mixed, mixed));
    }

    private ReadOnlySpan<float> ExpertOutput(State state, int expert, int row) => state.Experts[expert].Outputs[^1].AsSpan(row * Width, Width);

    /// <summary>The level's activations and gradients for up to a capacity of rows.</summary>
    internal sealed class State
    {
        public State(ExtractionLevel level, int capacity, bool dropout)
        {
            Experts = level._experts.Select(e => e.CreateState(capacity, dropout)).ToArray();
            Gates = level._gates.Select(g => g.CreateState(capacity, dropout: false)).ToArray();
            GateProbabilities = level._gateExperts.Select(m => new float[capacity * m.Length]).ToArray();
            GateGradients = level._gateExperts.Select(m => new float[capacity * m.Length]).ToArray();
            Outputs = level._gates.Select(_ => new float[capacity * level.Width]).ToArray();
            ExpertGradients = level._experts.Select(_ => new float[capacity * level.Width]).ToArray();
            FirstLayerDone = new bool[level._experts.Length];
            LogitsDone = new bool[level._gates.Length];
            GroupFused = new bool[level._sharedInputs.Length];
            SharedInputBuffers = level._sharedInputs.Select(g => new SharedInputExperts.Buffers(g, level._gates, capacity)).ToArray();
        }

        /// <summary>Which experts' first layers the last pass ran together with others'.</summary>
        public bool[] FirstLayerDone { get; }
        /// <summary>Which gates' logits (and in the backward pass, weight gradients) the last pass ran together with the experts'.</summary>
        public bool[] LogitsDone { get; }
        /// <summary>Which shared-input groups run their weight gradients as one product in this backward pass.</summary>
        public bool[] GroupFused { get; }
        /// <summary>Scratch lists of each shared-input group.</summary>
        public SharedInputExperts.Buffers[] SharedInputBuffers { get; }

        public MlpState[] Experts { get; }
        public MlpState[] Gates { get; }
        /// <summary>Softmax of each gate's logits, rows × mixed experts.</summary>
        public float[][] GateProbabilities { get; }
        /// <summary>dL/d(gate probability), then in place dL/d(gate logit).</summary>
        public float[][] GateGradients { get; }
        /// <summary>Each gate's mixture of expert outputs, rows × Width.</summary>
        public float[][] Outputs { get; }
        /// <summary>dL/d(expert output), summed over the gates that mix it.</summary>
        public float[][] ExpertGradients { get; }
    }
}
