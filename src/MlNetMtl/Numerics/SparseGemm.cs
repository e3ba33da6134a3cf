namespace MlNetMtl.Numerics;

/// <summary>
/// Products of sparse rows with a dense weight matrix W[columns×n], at a cost proportional to the
/// non-zeros times n and independent of the input width: each non-zero adds a scaled row of W.
/// </summary>
internal static class SparseGemm
{
    /// <summary><c>C[rows×n] = act(X·W + bias)</c>: the forward pass of a first layer over sparse inputs.</summary>
    public static void Multiply(CsrRows x, ReadOnlySpan<float> weights, Span<float> c, int n,
        ReadOnlySpan<float> bias = default, Activation activation = Activation.Identity)
    {
        CheckShapes(x, weights, c, n);
        if (!bias.IsEmpty && bias.Length != n)
            throw new ArgumentException($"The bias has {bias.Length} values; it needs one per output column (n={n}).", nameof(bias));
        for (int row = 0; row < x.Rows; row++)
        {
            var output = c.Slice(row * n, n);
            if (bias.IsEmpty)
                output.Clear();
            else
                bias.CopyTo(output);
            for (int p = x.RowStarts[row]; p < x.RowStarts[row + 1]; p++)
                VectorOps.AddScaled(x.Values[p], weights.Slice(CheckedIndex(x, p) * n, n), output);
        }
        if (activation == Activation.Relu)
            Activations.Relu(c[..(x.Rows * n)], c);
    }

    /// <summary><c>dW += Xᵀ·dY</c>, touching only the rows of dW whose input column is non-zero in some row of X.</summary>
    public static void MultiplyTransposeAAccumulate(CsrRows x, ReadOnlySpan<float> outputGradient, Span<float> weightGradient, int n)
    {
        CheckShapes(x, weightGradient, outputGradient, n);
        for (int row = 0; row < x.Rows; row++)
        {
            var gradient = outputGradient.Slice(row * n, n);
            for (int p = x.RowStarts[row]; p < x.RowStarts[row + 1]; p++)
                VectorOps.AddScaled(x.Values[p], gradient, weightGradient.Slice(CheckedIndex(x, p) * n, n));
        }
    }

    private static int CheckedIndex(CsrRows x, int p)
    {
        int index = x.Indices[p];
        if ((uint)index >= (uint)x.Columns)
            throw new ArgumentOutOfRangeException(nameof(x), $"Sparse index {index} (non-zero #{p}) is outside the input width {x.Columns}.");
        return index;
    }

    private static void CheckShapes(CsrRows x, ReadOnlySpan<float> weights, ReadOnlySpan<float> c, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (weights.Length < (long)x.Columns * n)
            throw new ArgumentException($"The weights hold {weights.Length} values; W[{x.Columns}×{n}] needs {(long)x.Columns * n}.", nameof(weights));
        if (c.Length < (long)x.Rows * n)
            throw new ArgumentException($"The output holds {c.Length} values; {x.Rows}×{n} needs {(long)x.Rows * n}.", nameof(c));
    }
}
