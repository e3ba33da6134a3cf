using MlNetMtl.Numerics;

namespace MlNetMtl.Networks;

/// <summary>
/// A stack of dense layers — ReLU hidden layers, optionally a final linear layer — with inverted dropout after
/// each ReLU layer during training. The building block of bottoms, experts, gates and towers. Its first layer
/// reads an <see cref="InputBatch"/>, so an MLP fed by the network input accepts sparse rows.
/// </summary>
internal sealed class Mlp
{
    /// <param name="name">Prefix of the parameter names (e.g. <c>tower.ctr</c>).</param>
    /// <param name="inputs">Input width.</param>
    /// <param name="widths">Output width of each layer.</param>
    /// <param name="linearOutput">True: the last layer is linear (an output or gate); false: every layer is ReLU.</param>
    public Mlp(string name, int inputs, IReadOnlyList<int> widths, bool linearOutput)
    {
        var layers = new DenseLayer[widths.Count];
        int width = inputs;
        for (int l = 0; l < widths.Count; l++)
        {
            var activation = linearOutput && l == widths.Count - 1 ? Activation.Identity : Activation.Relu;
            layers[l] = new DenseLayer($"{name}.{l}", width, widths[l], activation);
            width = widths[l];
        }
        Layers = layers;
        Inputs = inputs;
    }

    public DenseLayer[] Layers { get; }
    public int Inputs { get; }
    public int Outputs => Layers[^1].Outputs;
    public IEnumerable<Parameter> Parameters => Layers.SelectMany(l => new[] { l.Weight, l.Bias });

    /// <summary>
    /// Seeded normal initialisation: He for ReLU layers, Glorot for linear ones; biases zero. The first layer's
    /// fan-in is <paramref name="firstLayerFanIn"/> (the mean non-zeros per row for sparse inputs).
    /// </summary>
    public void Initialize(Random random, double firstLayerFanIn)
    {
        foreach (var layer in Layers)
            layer.Initialize(random, ReferenceEquals(layer, Layers[0]) ? firstLayerFanIn : layer.Inputs);
    }

    public MlpState CreateState(int capacity, bool dropout) => new(this, capacity, dropout);

    /// <summary>Writes the inference pass (no dropout: it is inverted, so inference leaves the activations as they are).</summary>
    public string Export(Export.GraphWriter graph, string x)
    {
        foreach (var layer in Layers)
            x = layer.Export(graph, x);
        return x;
    }

    /// <summary>
    /// Runs the layers on <paramref name="input"/>; returns the last layer's output (rows × Outputs). With
    /// <paramref name="firstLayerDone"/>, the first layer's output is already in the state (computed with other MLPs'
    /// first layers in one product); its dropout is still drawn here, in the same order.
    /// </summary>
    public Span<float> Forward(InputBatch input, MlpState state, Random? dropout, float rate, bool firstLayerDone = false)
    {
        int rows = input.Rows;
        for (int l = 0; l < Layers.Length; l++)
        {
            var layer = Layers[l];
            var output = state.Outputs[l].AsSpan(0, rows * layer.Outputs);
            if (l == 0 && !firstLayerDone)
                layer.Forward(input, output);
            else if (l > 0)
                layer.Forward(state.Outputs[l - 1].AsSpan(0, rows * layer.Inputs), rows, output);
            if (dropout is not null && rate > 0 && layer.Activation == Activation.Relu)
                ApplyDropout(output, state.Masks[l], dropout, rate);
        }
        return state.Outputs[^1].AsSpan(0, rows * Outputs);
    }

    /// <summary>
    /// Backward pass after <see cref="Forward"/> with the same input and state, from dL/d(output) in
    /// <paramref name="outputGradient"/> (overwritten). Writes every parameter's gradient and, when
    /// <paramref name="inputGradient"/> is not empty (dense input only), dL/d(input), added to it when
    /// <paramref name="accumulateInputGradient"/>.
    /// </summary>
    public void Backward(InputBatch input, MlpState state, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, bool accumulateInputGradient, bool dropoutApplied)
    {
        int rows = input.Rows;
        var layer = Layers[0];
        var output = state.Outputs[0].AsSpan(0, rows * layer.Outputs);
        var gradient = BackwardToFirstLayer(rows, state, outputGradient, dropoutApplied).AsSpan(0, rows * layer.Outputs);
        if (inputGradient.IsEmpty)
        {
            layer.Backward(input, output, gradient);
        }
        else
        {
            if (input.IsSparse)
                throw new InvalidOperationException("An input gradient was asked for sparse input rows.");
            layer.Backward(input.Dense, output, gradient, inputGradient[..(rows * Inputs)], rows, accumulateInputGradient);
        }
    }

    /// <summary>
    /// The backward pass through every layer but the first (their gradients written) and through the first layer's
    /// dropout; returns the buffer holding dL/d(first layer's output) (rows × its width), from which the first layer's
    /// own backward pass continues.
    /// </summary>
    public float[] BackwardToFirstLayer(int rows, MlpState state, ReadOnlySpan<float> outputGradient, bool dropoutApplied)
    {
        float[] gradient = state.GradientA, next = state.GradientB;
        outputGradient[..(rows * Outputs)].CopyTo(gradient);
        for (int l = Layers.Length - 1; l >= 0; l--)
        {
            var layer = Layers[l];
            var layerGradient = gradient.AsSpan(0, rows * layer.Outputs);
            if (dropoutApplied && layer.Activation == Activation.Relu)
                VectorOps.Multiply(layerGradient, state.Masks[l].AsSpan(0, layerGradient.Length), layerGradient);
            if (l == 0)
                break;
            layer.Backward(state.Outputs[l - 1].AsSpan(0, rows * layer.Inputs), state.Outputs[l].AsSpan(0, rows * layer.Outputs), layerGradient,
                next.AsSpan(0, rows * layer.Inputs), rows);
            (gradient, next) = (next, gradient);
        }
        return gradient;
    }

    /// <summary>Inverted dropout: draws <paramref name="mask"/> (0, or 1/(1 − rate)) and multiplies <paramref name="output"/> by it.</summary>
    internal static void ApplyDropout(Span<float> output, float[] mask, Random random, float rate)
    {
        float keep = 1f / (1f - rate);
        var m = mask.AsSpan(0, output.Length);
        for (int i = 0; i < m.Length; i++)
            m[i] = random.NextSingle() < rate ? 0f : keep;
        VectorOps.Multiply(output, m, output);
    }
}

/// <summary>An <see cref="Mlp"/>'s activations, dropout masks and gradient buffers for up to a capacity of rows.</summary>
internal sealed class MlpState
{
    public MlpState(Mlp mlp, int capacity, bool dropout)
    {
        Outputs = mlp.Layers.Select(l => new float[capacity * l.Outputs]).ToArray();
        Masks = dropout ? mlp.Layers.Select(l => l.Activation == Activation.Relu ? new float[capacity * l.Outputs] : []).ToArray() : [];
        int widest = mlp.Layers.Max(l => l.Outputs); // layer l > 0 reads layer l − 1's output, so outputs bound every gradient held here
        GradientA = new float[capacity * widest];
        GradientB = new float[capacity * widest];
    }

    public float[][] Outputs { get; }
    /// <summary>Inverted-dropout masks (0 or 1/(1−p)) of the ReLU layers; empty without dropout.</summary>
    public float[][] Masks { get; }
    public float[] GradientA { get; }
    public float[] GradientB { get; }
}
