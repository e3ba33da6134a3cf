using MlNetMtl.Numerics;

namespace MlNetMtl.Networks.Domains;

/// <summary>
/// A fully connected layer in STAR's star topology (Sheng et al., CIKM 2021): domain d's rows are computed with
/// <c>W = W_shared ⊙ W_d</c> and <c>b = b_shared + b_d</c>, so every domain trains the shared centre and its own spoke;
/// rows of no known domain use the centre alone. Rows arrive grouped by domain (<see cref="DomainGrouping"/>), one
/// product per domain. The domain weights start at 1 and do not decay (decay would pull them to 0, not to the centre).
/// </summary>
internal sealed class StarLayer
{
    public StarLayer(string name, int inputs, int outputs, int domains, Activation activation)
    {
        Inputs = inputs;
        Outputs = outputs;
        Domains = domains;
        Activation = activation;
        SharedWeight = new Parameter(name + ".weight", inputs, outputs, decays: true);
        SharedBias = new Parameter(name + ".bias", 1, outputs, decays: false);
        DomainWeights = new Parameter(name + ".domain.weight", checked(domains * inputs), outputs, decays: false);
        DomainBiases = new Parameter(name + ".domain.bias", domains, outputs, decays: false);
    }

    public int Inputs { get; }
    public int Outputs { get; }
    public int Domains { get; }
    public Activation Activation { get; }
    public Parameter SharedWeight { get; }
    public Parameter SharedBias { get; }
    /// <summary>Each domain's weights, stacked: domain d's [Inputs × Outputs] from d × Inputs × Outputs.</summary>
    public Parameter DomainWeights { get; }
    public Parameter DomainBiases { get; }
    public IEnumerable<Parameter> Parameters => [SharedWeight, SharedBias, DomainWeights, DomainBiases];

    /// <summary>He initialisation of the centre (over <paramref name="fanIn"/>), domain weights 1, biases 0.</summary>
    public void Initialize(Random random, double fanIn)
    {
        RandomFill.Normal(SharedWeight.Value, DenseLayer.InitialDeviation(Activation, fanIn, Outputs), random);
        Array.Fill(DomainWeights.Value, 1f);
    }

    public State CreateState() => new(this);

    /// <summary>
    /// Writes the inference pass: each segment's act(x·(W ⊙ W_d) + b + b_d) — the combined weights computed here as the
    /// forward pass computes them — kept for the rows of that segment (<paramref name="segments"/>: [rows, 1 + domains],
    /// one 1 per row, column 0 the rows of no domain).
    /// </summary>
    public string Export(Export.GraphWriter graph, string x, string segments)
    {
        var weight = new float[Inputs * Outputs];
        var bias = new float[Outputs];
        string? sum = null;
        for (int s = 0; s <= Domains; s++)
        {
            if (s > 0)
            {
                VectorOps.Multiply(SharedWeight.Value, DomainWeight(DomainWeights.Value, s - 1), weight);
                SharedBias.Value.CopyTo(bias, 0);
                VectorOps.AddScaled(1f, DomainBiases.Value.AsSpan((s - 1) * Outputs, Outputs), bias);
            }
            string affine = graph.Node("Gemm", $"{SharedWeight.Name}.segment{s}", [x,
                graph.Constant($"{SharedWeight.Name}.segment{s}", s == 0 ? SharedWeight.Value : weight, Inputs, Outputs),
                graph.Constant($"{SharedBias.Name}.segment{s}", s == 0 ? SharedBias.Value : bias, Outputs)]);
            string kept = graph.Mul(affine, graph.Columns(segments, s, s + 1));
            sum = sum is null ? kept : graph.Add(sum, kept);
        }
        return Activation == Activation.Relu ? graph.Relu(sum!) : sum!;
    }

    private Span<float> DomainWeight(float[] values, int domain) => values.AsSpan(domain * Inputs * Outputs, Inputs * Outputs);

    /// <summary>output = act(input · W_s + b_s) per segment of <paramref name="groups"/>, input and output in grouped order.</summary>
    public void Forward(ReadOnlySpan<float> input, Span<float> output, DomainGrouping groups, State state)
    {
        for (int s = 0; s < groups.Segments; s++)
        {
            int rows = groups.Count(s), start = groups.Start(s);
            if (rows == 0)
                continue;
            var weight = Effective(s, state, out var bias);
            Gemm.Multiply(input.Slice(start * Inputs, rows * Inputs), weight, output.Slice(start * Outputs, rows * Outputs), rows, Inputs, Outputs,
                bias: bias, activation: Activation);
        }
    }

    /// <summary>Segment <paramref name="segment"/>'s combined weight and bias (computed into the state for a domain).</summary>
    private ReadOnlySpan<float> Effective(int segment, State state, out ReadOnlySpan<float> combinedBias)
    {
        if (segment == 0)
        {
            combinedBias = SharedBias.Value;
            return SharedWeight.Value;
        }
        int domain = segment - 1;
        var weight = DomainWeight(state.Weights, domain);
        VectorOps.Multiply(SharedWeight.Value, DomainWeight(DomainWeights.Value, domain), weight);
        var bias = state.Biases.AsSpan(domain * Outputs, Outputs);
        SharedBias.Value.CopyTo(bias);
        VectorOps.AddScaled(1f, DomainBiases.Value.AsSpan(domain * Outputs, Outputs), bias);
        combinedBias = bias;
        return weight;
    }

    /// <summary>
    /// Backward pass after <see cref="Forward"/>: <paramref name="outputGradient"/> holds dL/dY (turned into dL/dZ in place);
    /// writes every parameter's gradient and, when <paramref name="inputGradient"/> is not empty, dL/dX (grouped order).
    /// </summary>
    public void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> output, Span<float> outputGradient, Span<float> inputGradient,
        DomainGrouping groups, State state)
    {
        int total = groups.Start(groups.Segments - 1) + groups.Count(groups.Segments - 1);
        var gradient = outputGradient[..(total * Outputs)];
        if (Activation == Activation.Relu)
            Activations.ReluBackward(output[..gradient.Length], gradient, gradient);
        Array.Clear(SharedWeight.Gradient);
        Array.Clear(SharedBias.Gradient);
        Array.Clear(DomainWeights.Gradient);
        Array.Clear(DomainBiases.Gradient);
        for (int s = 0; s < groups.Segments; s++)
        {
            int rows = groups.Count(s), start = groups.Start(s);
            if (rows == 0)
                continue;
            var x = input.Slice(start * Inputs, rows * Inputs);
            var dz = gradient.Slice(start * Outputs, rows * Outputs);
            if (s == 0)
            {
                Gemm.MultiplyTransposeA(x, dz, SharedWeight.Gradient, Inputs, rows, Outputs, accumulate: true);
                Reductions.ColumnSums(dz, rows, Outputs, SharedBias.Gradient, accumulate: true);
                if (!inputGradient.IsEmpty)
                    Gemm.MultiplyTransposeB(dz, SharedWeight.Value, inputGradient.Slice(start * Inputs, rows * Inputs), rows, Outputs, Inputs);
                continue;
            }
            int domain = s - 1;
            // dW = Xᵀ·dZ for W = W_s ⊙ W_d: dW_d = dW ⊙ W_s, dW_s += dW ⊙ W_d; db_d = Σ dZ, db_s += Σ dZ.
            var combined = state.WeightGradient.AsSpan();
            Gemm.MultiplyTransposeA(x, dz, combined, Inputs, rows, Outputs);
            VectorOps.Multiply(combined, SharedWeight.Value, DomainWeight(DomainWeights.Gradient, domain));
            VectorOps.Multiply(combined, DomainWeight(DomainWeights.Value, domain), combined);
            VectorOps.AddScaled(1f, combined, SharedWeight.Gradient);
            var domainBias = DomainBiases.Gradient.AsSpan(domain * Outputs, Outputs);
            Reductions.ColumnSums(dz, rows, Outputs, domainBias);
            VectorOps.AddScaled(1f, domainBias, SharedBias.Gradient);
            if (!inputGradient.IsEmpty)
                Gemm.MultiplyTransposeB(dz, DomainWeight(state.Weights, domain), inputGradient.Slice(start * Inputs, rows * Inputs), rows, Outputs, Inputs);
        }
    }

    /// <summary>The combined weights and biases of the last forward pass, and a weight-gradient scratch buffer.</summary>
    internal sealed class State(StarLayer layer)
    {
        public float[] Weights { get; } = new float[layer.Domains * layer.Inputs * layer.Outputs];
        public float[] Biases { get; } = new float[layer.Domains * layer.Outputs];
        public float[] WeightGradient { get; } = new float[layer.Inputs * layer.Outputs];
    }
}
