using MlNetMtl.Numerics;

namespace MlNetMtl.Networks.Domains;

/// <summary>
/// PEPNet's Gate NU (Chang et al., KDD 2023): δ = γ·σ(W₂·ReLU(W₁·x + E[d] + b₁) + b₂) with γ = 2, so each δ is in (0, 2)
/// and scales one value of what it gates, 1 being neutral. E[d] is a learned row per domain d (none for a row of no
/// domain), the domain's embedding projected by W₁. PEPNet reads x with its gradient stopped: the gate learns how to
/// scale, and what it reads is not trained through it.
/// </summary>
internal sealed class ScalingGate
{
    /// <summary>γ, the largest scale a gate can give.</summary>
    public const float Scale = 2f;

    private readonly Mlp _mlp;
    private readonly Parameter? _domain;

    /// <param name="name">Prefix of the parameter names.</param>
    /// <param name="inputs">Width of what the gate reads.</param>
    /// <param name="hidden">Width of its hidden ReLU layer.</param>
    /// <param name="outputs">The scales it gives per row.</param>
    /// <param name="domains">Domains with an embedding row of their own; 0 for a gate that ignores the domain.</param>
    public ScalingGate(string name, int inputs, int hidden, int outputs, int domains)
    {
        _mlp = new Mlp(name, inputs, [hidden, outputs], linearOutput: true);
        _domain = domains == 0 ? null : new Parameter($"{name}.domain", domains, hidden, decays: true);
    }

    public int Inputs => _mlp.Inputs;
    public int Outputs => _mlp.Outputs;
    public IEnumerable<Parameter> Parameters => _domain is null ? _mlp.Parameters : _mlp.Parameters.Append(_domain);
    /// <summary>The weights of the layer whose rows belong to the values the gate reads.</summary>
    public Parameter InputWeight => _mlp.Layers[0].Weight;
    /// <summary>The weights of the layer that gives the scales' logits.</summary>
    public Parameter OutputWeight => _mlp.Layers[^1].Weight;

    /// <summary>He and Glorot initialisation of the layers (the first's fan-in given); domain rows zero, so every domain starts as none.</summary>
    public void Initialize(Random random, double firstLayerFanIn) => _mlp.Initialize(random, firstLayerFanIn);

    public State CreateState(int capacity) => new(this, capacity);

    /// <summary>Writes δ = γ·σ(MLP(x)), the hidden layer's pre-activation plus the row's domain embedding (<paramref name="domains"/>: indicators, or null).</summary>
    public string Export(Export.GraphWriter graph, string x, string? domains)
    {
        var first = _mlp.Layers[0];
        string hidden = graph.Affine(x, first.Weight, first.Bias);
        if (_domain is not null && domains is not null)
            hidden = graph.Add(hidden, graph.MatMul(domains, graph.Constant(_domain)));
        string logits = _mlp.Layers[1].Export(graph, graph.Relu(hidden));
        return graph.Mul(graph.Sigmoid(logits), graph.Scalar("gate.scale", Scale));
    }

    /// <summary>Computes the scales of <paramref name="rows"/> rows of <paramref name="input"/> into <see cref="State.Scales"/>.</summary>
    public void Forward(ReadOnlySpan<float> input, ReadOnlySpan<int> domains, int rows, State state)
    {
        var first = _mlp.Layers[0];
        var hidden = state.Mlp.Outputs[0].AsSpan(0, rows * first.Outputs);
        Gemm.Multiply(input[..(rows * Inputs)], first.Weight.Value, hidden, rows, Inputs, first.Outputs, bias: first.Bias.Value, activation: Activation.Identity);
        if (_domain is not null)
            for (int i = 0; i < rows; i++)
                if (domains[i] != DomainLayout.Fallback)
                    VectorOps.AddScaled(1f, _domain.Value.AsSpan(domains[i] * first.Outputs, first.Outputs), hidden.Slice(i * first.Outputs, first.Outputs));
        Activations.Relu(hidden, hidden);
        var logits = _mlp.Forward(InputBatch.FromDense(input, rows, Inputs), state.Mlp, dropout: null, rate: 0, firstLayerDone: true);
        var scales = state.Scales.AsSpan(0, rows * Outputs);
        Activations.Sigmoid(logits, scales);
        VectorOps.Scale(Scale, scales);
    }

    /// <summary>
    /// The backward pass from dL/dδ in <see cref="State.ScaleGradients"/> (overwritten): every parameter's gradient, and dL/d(input)
    /// added to <paramref name="inputGradient"/> unless it is empty (the gradient stopped).
    /// </summary>
    public void Backward(ReadOnlySpan<float> input, ReadOnlySpan<int> domains, int rows, State state, Span<float> inputGradient = default)
    {
        // δ = γσ(z): dδ/dz = γσ(1 − σ) = δ(1 − δ/γ).
        var scales = state.Scales.AsSpan(0, rows * Outputs);
        var gradient = state.ScaleGradients.AsSpan(0, rows * Outputs);
        for (int i = 0; i < gradient.Length; i++)
            gradient[i] *= scales[i] * (1f - scales[i] / Scale);
        var first = _mlp.Layers[0];
        var hiddenGradient = _mlp.BackwardToFirstLayer(rows, state.Mlp, gradient, dropoutApplied: false).AsSpan(0, rows * first.Outputs);
        first.Backward(input[..(rows * Inputs)], state.Mlp.Outputs[0].AsSpan(0, rows * first.Outputs), hiddenGradient,
            inputGradient.IsEmpty ? default : inputGradient[..(rows * Inputs)], rows, accumulateInputGradient: true);
        if (_domain is null || !_domain.NeedsGradient)
            return;
        // The hidden pre-activation adds E[d]: dE[d] = Σ over the rows of domain d of dL/d(pre-activation), which the first layer's backward pass left in place.
        _domain.Gradient.AsSpan().Clear();
        for (int i = 0; i < rows; i++)
            if (domains[i] != DomainLayout.Fallback)
                VectorOps.AddScaled(1f, hiddenGradient.Slice(i * first.Outputs, first.Outputs), _domain.Gradient.AsSpan(domains[i] * first.Outputs, first.Outputs));
    }

    /// <summary>A gate's activations and gradients for up to a capacity of rows.</summary>
    internal sealed class State(ScalingGate gate, int capacity)
    {
        public MlpState Mlp { get; } = gate._mlp.CreateState(capacity, dropout: false);
        /// <summary>δ of the last forward pass (rows × outputs).</summary>
        public float[] Scales { get; } = new float[capacity * gate.Outputs];
        /// <summary>dL/dδ, which the owner fills before the backward pass.</summary>
        public float[] ScaleGradients { get; } = new float[capacity * gate.Outputs];
    }
}
