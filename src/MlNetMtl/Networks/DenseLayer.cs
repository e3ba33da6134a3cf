using MlNetMtl.Numerics;

namespace MlNetMtl.Networks;

/// <summary>
/// A fully connected layer <c>Y = act(X·W + b)</c> with W stored [inputs × outputs]. As a first layer it also
/// reads sparse rows, at a cost proportional to their non-zeros.
/// </summary>
internal sealed class DenseLayer
{
    public DenseLayer(string name, int inputs, int outputs, Activation activation)
    {
        Inputs = inputs;
        Outputs = outputs;
        Activation = activation;
        Weight = new Parameter(name + ".weight", inputs, outputs, decays: true);
        Bias = new Parameter(name + ".bias", 1, outputs, decays: false);
    }

    public int Inputs { get; }
    public int Outputs { get; }
    public Activation Activation { get; }
    public Parameter Weight { get; }
    public Parameter Bias { get; }

    /// <summary>Seeded normal weights: He for a ReLU layer, Glorot for a linear one (<see cref="InitialDeviation"/>); the bias stays zero.</summary>
    public void Initialize(Random random, double fanIn) => RandomFill.Normal(Weight.Value, InitialDeviation(Activation, fanIn, Outputs), random);

    /// <summary>The initial weights' deviation: √(2/fan-in) before a ReLU (He et al. 2015), √(2/(fan-in + outputs)) otherwise (Glorot &amp; Bengio 2010).</summary>
    public static double InitialDeviation(Activation activation, double fanIn, int outputs) =>
        activation == Activation.Relu ? Math.Sqrt(2.0 / fanIn) : Math.Sqrt(2.0 / (fanIn + outputs));

    /// <summary>Forward pass of a hidden layer: output[rows × Outputs] from dense input[rows × Inputs].</summary>
    public void Forward(ReadOnlySpan<float> input, int rows, Span<float> output) =>
        Gemm.Multiply(input, Weight.Value, output, rows, Inputs, Outputs, bias: Bias.Value, activation: Activation);

    /// <summary>Writes the inference pass act(X·W + b) on <paramref name="x"/>; returns the output's name.</summary>
    public string Export(Export.GraphWriter graph, string x)
    {
        string affine = graph.Affine(x, Weight, Bias);
        return Activation == Activation.Relu ? graph.Relu(affine) : affine;
    }

    /// <summary>Forward pass of a first layer, dense or sparse.</summary>
    public void Forward(InputBatch input, Span<float> output)
    {
        if (input.IsSparse)
            SparseGemm.Multiply(input.Sparse, Weight.Value, output, Outputs, Bias.Value, Activation);
        else
            Forward(input.Dense, input.Rows, output);
    }

    /// <summary>
    /// Backward pass of a hidden layer. <paramref name="outputGradient"/> holds dL/dY on entry and is turned into
    /// dL/d(pre-activation) in place; writes dW, db and, when <paramref name="inputGradient"/> is not empty, dL/dX.
    /// </summary>
    public void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> output, Span<float> outputGradient, Span<float> inputGradient, int rows,
        bool accumulateInputGradient = false)
    {
        // Y = act(Z), Z = X·W + b: dZ = dY ⊙ act'(Z) (in place), dW = Xᵀ·dZ, db = Σ over rows of dZ, dX = dZ·Wᵀ.
        var gradient = ThroughActivation(output, outputGradient, rows);
        if (Weight.NeedsGradient)
            Gemm.MultiplyTransposeA(input, gradient, Weight.Gradient, Inputs, rows, Outputs);
        if (Bias.NeedsGradient)
            Reductions.ColumnSums(gradient, rows, Outputs, Bias.Gradient);
        Weight.NormSink?.AddOuterProducts(input, Inputs, gradient, Outputs, rows);
        Bias.NormSink?.AddColumnSums(gradient, Outputs, rows);
        if (!inputGradient.IsEmpty)
            Gemm.MultiplyTransposeB(gradient, Weight.Value, inputGradient, rows, Outputs, Inputs, accumulateInputGradient);
    }

    /// <summary>Backward pass of a first layer: weight and bias gradients only (no one needs dL/dX of the inputs).</summary>
    public void Backward(InputBatch input, ReadOnlySpan<float> output, Span<float> outputGradient)
    {
        if (!input.IsSparse)
        {
            Weight.TouchedRows?.Clear();
            Backward(input.Dense, output, outputGradient, default, input.Rows);
            return;
        }
        // dW = Xᵀ·dZ has non-zero rows only where a batch row has a non-zero: clear and accumulate just those rows.
        var gradient = ThroughActivation(output, outputGradient, input.Rows);
        var rows = input.Sparse;
        if (Weight.NeedsGradient)
        {
            var touched = Weight.TouchedRows ??= new TouchedRows(Inputs);
            for (int p = rows.RowStarts[0]; p < rows.RowStarts[rows.Rows]; p++)
            {
                int row = rows.Indices[p];
                if ((uint)row >= (uint)Inputs)
                    throw new ArgumentOutOfRangeException(nameof(input), $"Sparse index {row} is outside the input width {Inputs}.");
                if (touched.Mark(row))
                    Weight.Gradient.AsSpan(row * Outputs, Outputs).Clear();
            }
            SparseGemm.MultiplyTransposeAAccumulate(rows, gradient, Weight.Gradient, Outputs);
        }
        if (Bias.NeedsGradient)
            Reductions.ColumnSums(gradient, input.Rows, Outputs, Bias.Gradient);
        Weight.NormSink?.AddOuterProducts(rows, gradient, Outputs);
        Bias.NormSink?.AddColumnSums(gradient, Outputs, input.Rows);
    }

    /// <summary>
    /// A first layer's backward pass over dense rows without its weight gradient, for a caller that computes the weight
    /// gradients of several such layers in one product: turns dL/dY into dL/d(pre-activation) in place, writes db, and
    /// returns dL/d(pre-activation) (rows × Outputs); dW = Xᵀ·(that), and its per-unit norms, are left to the caller.
    /// </summary>
    public Span<float> BackwardExceptWeight(ReadOnlySpan<float> output, Span<float> outputGradient, int rows)
    {
        Weight.TouchedRows?.Clear();
        var gradient = ThroughActivation(output, outputGradient, rows);
        if (Bias.NeedsGradient)
            Reductions.ColumnSums(gradient, rows, Outputs, Bias.Gradient);
        Bias.NormSink?.AddColumnSums(gradient, Outputs, rows);
        return gradient;
    }

    private Span<float> ThroughActivation(ReadOnlySpan<float> output, Span<float> outputGradient, int rows)
    {
        var gradient = outputGradient[..(rows * Outputs)];
        if (Activation == Activation.Relu)
            Activations.ReluBackward(output[..gradient.Length], gradient, gradient);
        return gradient;
    }
}
