namespace MlNetMtl.Numerics;

/// <summary>Sums down the columns of a row-major matrix (bias gradients).</summary>
internal static class Reductions
{
    /// <summary><c>destination[j] (+)= Σᵢ matrix[i, j]</c>: the bias gradient of a layer from dY[rows×columns].</summary>
    public static void ColumnSums(ReadOnlySpan<float> matrix, int rows, int columns, Span<float> destination, bool accumulate = false)
    {
        CheckShape(matrix, rows, columns);
        if (destination.Length != columns)
            throw new ArgumentException($"The destination has {destination.Length} values; it needs one per column ({columns}).", nameof(destination));
        if (!accumulate)
            destination.Clear();
        for (int r = 0; r < rows; r++)
            VectorOps.AddScaled(1f, matrix.Slice(r * columns, columns), destination);
    }

    private static void CheckShape(ReadOnlySpan<float> matrix, int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if (matrix.Length < (long)rows * columns)
            throw new ArgumentException($"The matrix holds {matrix.Length} values; {rows}×{columns} needs {(long)rows * columns}.", nameof(matrix));
    }
}
