using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MlNetMtl.Numerics;

/// <summary>Sums along the rows or columns of a row-major matrix (bias gradients).</summary>
public static class Reductions
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

    /// <summary><c>destination[i] = Σⱼ matrix[i, j]</c>.</summary>
    public static void RowSums(ReadOnlySpan<float> matrix, int rows, int columns, Span<float> destination)
    {
        CheckShape(matrix, rows, columns);
        if (destination.Length != rows)
            throw new ArgumentException($"The destination has {destination.Length} values; it needs one per row ({rows}).", nameof(destination));
        for (int r = 0; r < rows; r++)
        {
            var row = matrix.Slice(r * columns, columns);
            destination[r] = SimdPaths.Active switch
            {
                SimdPath.Vector512 => Sum<Simd512, Vector512<float>>(row),
                SimdPath.Vector256 => Sum<Simd256, Vector256<float>>(row),
                _ => Sum<SimdScalar, float>(row),
            };
        }
    }

    private static float Sum<TS, TV>(ReadOnlySpan<float> x) where TS : ISimd<TV> where TV : struct
    {
        ref readonly float xs = ref MemoryMarshal.GetReference(x);
        nint i = 0, length = x.Length, w = TS.Count;
        TV sum = TS.Zero;
        for (; i <= length - w; i += w)
            sum = TS.Add(sum, TS.Load(in xs, i));
        float total = TS.Sum(sum);
        for (; i < length; i++)
            total += x[(int)i];
        return total;
    }

    private static void CheckShape(ReadOnlySpan<float> matrix, int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if (matrix.Length < (long)rows * columns)
            throw new ArgumentException($"The matrix holds {matrix.Length} values; {rows}×{columns} needs {(long)rows * columns}.", nameof(matrix));
    }
}
