using MlNetMtl.Numerics;

namespace MlNetMtl.Networks;

/// <summary>
/// The experts and gates of a level that read the same input (all of MMoE's; PLE's first level): their first layers
/// run as one GEMM over their weights side by side, so the input is packed once instead of once per expert and gate,
/// and so do those layers' weight gradients. A gate (a few columns) is padded with zero columns to a whole register
/// panel; results are bit for bit those of separate products (<see cref="Gemm.MultiplySegments"/>).
/// </summary>
internal sealed class SharedInputExperts
{
    /// <summary>Columns a segment is padded to: a register panel on every SIMD path.</summary>
    private const int Panel = 32;

    private readonly int[] _experts, _gates;
    private readonly int[] _starts;
    private readonly Activation[] _activations;

    public SharedInputExperts(int input, int[] experts, int[] gates, Mlp[] expertMlps, Mlp[] gateMlps)
    {
        Input = input;
        _experts = experts;
        _gates = gates;
        var widths = experts.Select(e => expertMlps[e].Layers[0].Outputs).Concat(gates.Select(g => Padded(gateMlps[g].Outputs))).ToArray();
        _starts = new int[widths.Length + 1];
        for (int s = 0; s < widths.Length; s++)
            _starts[s + 1] = _starts[s] + widths[s];
        _activations = experts.Select(e => expertMlps[e].Layers[0].Activation).Concat(gates.Select(_ => Activation.Identity)).ToArray();
    }

    /// <summary>The input representation the members read.</summary>
    public int Input { get; }
    /// <summary>The member experts, by index.</summary>
    public int[] Experts => _experts;
    /// <summary>The member gates, by index.</summary>
    public int[] Gates => _gates;

    private static int Padded(int width) => (width + Panel - 1) / Panel * Panel;

    /// <summary>One state's scratch: the per-call lists of the members' arrays, and the gates' zero-padded copies.</summary>
    public sealed class Buffers
    {
        public Buffers(SharedInputExperts group, Mlp[] gates, int capacity)
        {
            int count = group._starts.Length - 1;
            Weights = new float[count][];
            Biases = new float[count][];
            Outputs = new float[count][];
            Gradients = new float[count][];
            WeightGradients = new float[count][];
            int inputs = gates.Length > 0 && group._gates.Length > 0 ? gates[group._gates[0]].Inputs : 0;
            PaddedWeights = group._gates.Select(g => new float[inputs * Padded(gates[g].Outputs)]).ToArray();
            PaddedBiases = group._gates.Select(g => new float[Padded(gates[g].Outputs)]).ToArray();
            PaddedOutputs = group._gates.Select(g => new float[capacity * Padded(gates[g].Outputs)]).ToArray();
            PaddedWeightGradients = group._gates.Select(g => new float[inputs * Padded(gates[g].Outputs)]).ToArray();
        }

        public float[][] Weights { get; }
        public float[][] Biases { get; }
        public float[][] Outputs { get; }
        public float[][] Gradients { get; }
        public float[][] WeightGradients { get; }
        /// <summary>Each gate's weights, bias, logits and logit gradients, then weight gradient, widened with zero columns.</summary>
        public float[][] PaddedWeights { get; }
        public float[][] PaddedBiases { get; }
        public float[][] PaddedOutputs { get; }
        public float[][] PaddedWeightGradients { get; }
    }

    /// <summary>
    /// Computes every member expert's first-layer output (bias, ReLU) and every member gate's logits into their states,
    /// from dense <paramref name="input"/>.
    /// </summary>
    public void Forward(Mlp[] experts, Mlp[] gates, InputBatch input, MlpState[] expertStates, MlpState[] gateStates, Buffers buffers)
    {
        int rows = input.Rows, segment = 0;
        foreach (int e in _experts)
        {
            var layer = experts[e].Layers[0];
            buffers.Weights[segment] = layer.Weight.Value;
            buffers.Biases[segment] = layer.Bias.Value;
            buffers.Outputs[segment++] = expertStates[e].Outputs[0];
        }
        for (int i = 0; i < _gates.Length; i++)
        {
            var layer = gates[_gates[i]].Layers[0];
            int width = layer.Outputs, padded = Padded(width);
            for (int r = 0; r < layer.Inputs; r++)
                layer.Weight.Value.AsSpan(r * width, width).CopyTo(buffers.PaddedWeights[i].AsSpan(r * padded));
            layer.Bias.Value.CopyTo(buffers.PaddedBiases[i], 0);
            buffers.Weights[segment] = buffers.PaddedWeights[i];
            buffers.Biases[segment] = buffers.PaddedBiases[i];
            buffers.Outputs[segment++] = buffers.PaddedOutputs[i];
        }
        Gemm.MultiplySegments(input.Dense, buffers.Weights, buffers.Outputs, rows, input.Dimension, _starts, buffers.Biases, _activations);
        for (int i = 0; i < _gates.Length; i++)
        {
            int width = gates[_gates[i]].Outputs, padded = Padded(width);
            var logits = gateStates[_gates[i]].Outputs[0];
            for (int r = 0; r < rows; r++)
                buffers.PaddedOutputs[i].AsSpan(r * padded, width).CopyTo(logits.AsSpan(r * width));
        }
    }

    /// <summary>
    /// Every member's backward pass (no input gradient: the input is the network's), from dL/d(expert output) in
    /// <paramref name="outputGradients"/> and dL/d(gate logits) in <paramref name="logitGradients"/>: expert layers above the
    /// first one by one, then all first-layer weight gradients in one product; biases directly.
    /// </summary>
    public void Backward(Mlp[] experts, Mlp[] gates, InputBatch input, MlpState[] expertStates, float[][] outputGradients, float[][] logitGradients,
        bool dropoutApplied, Buffers buffers)
    {
        int rows = input.Rows, segment = 0;
        foreach (int e in _experts)
        {
            var layer = experts[e].Layers[0];
            var gradient = experts[e].BackwardToFirstLayer(rows, expertStates[e], outputGradients[e], dropoutApplied);
            layer.BackwardExceptWeight(expertStates[e].Outputs[0].AsSpan(0, rows * layer.Outputs), gradient, rows);
            layer.Weight.NormSink?.AddOuterProducts(input.Dense, input.Dimension, gradient.AsSpan(0, rows * layer.Outputs), layer.Outputs, rows);
            buffers.Gradients[segment] = gradient;
            buffers.WeightGradients[segment++] = layer.Weight.Gradient;
        }
        for (int i = 0; i < _gates.Length; i++)
        {
            var layer = gates[_gates[i]].Layers[0];
            int width = layer.Outputs, padded = Padded(width);
            var logitGradient = logitGradients[_gates[i]];
            layer.BackwardExceptWeight(default, logitGradient, rows); // linear: the bias gradient only
            layer.Weight.NormSink?.AddOuterProducts(input.Dense, input.Dimension, logitGradient.AsSpan(0, rows * width), width, rows);
            for (int r = 0; r < rows; r++)
                logitGradient.AsSpan(r * width, width).CopyTo(buffers.PaddedOutputs[i].AsSpan(r * padded)); // the padded logits' buffer is free now
            buffers.Gradients[segment] = buffers.PaddedOutputs[i];
            buffers.WeightGradients[segment++] = buffers.PaddedWeightGradients[i];
        }
        if (!AnyNeedsWeightGradient(experts, gates))
            return; // a norms-only pass
        Gemm.MultiplyTransposeASegments(input.Dense, buffers.Gradients, buffers.WeightGradients, input.Dimension, rows, _starts);
        for (int i = 0; i < _gates.Length; i++)
        {
            var layer = gates[_gates[i]].Layers[0];
            int width = layer.Outputs, padded = Padded(width);
            for (int r = 0; r < layer.Inputs; r++)
                buffers.PaddedWeightGradients[i].AsSpan(r * padded, width).CopyTo(layer.Weight.Gradient.AsSpan(r * width));
        }
    }

    private bool AnyNeedsWeightGradient(Mlp[] experts, Mlp[] gates)
    {
        foreach (int e in _experts)
            if (experts[e].Layers[0].Weight.NeedsGradient)
                return true;
        foreach (int g in _gates)
            if (gates[g].Layers[0].Weight.NeedsGradient)
                return true;
        return false;
    }
}
