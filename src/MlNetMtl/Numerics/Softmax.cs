using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MlNetMtl.Numerics;

/// <summary>Row-wise softmax, shifted by each row's maximum so exp never overflows.</summary>
internal static class Softmax
{
    /// <summary>Softmax of each row of x[rows×columns] into destination (which may alias x).</summary>
    public static void Rows(ReadOnlySpan<float> x, Span<float> destination, int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if (x.Length < (long)rows * columns || destination.Length < (long)rows * columns)
            throw new ArgumentException($"Softmax over {rows}×{columns} needs {(long)rows * columns} values in x ({x.Length}) and destination ({destination.Length}).");
        for (int r = 0; r < rows; r++)
        {
            var input = x.Slice(r * columns, columns);
            var output = destination.Slice(r * columns, columns);
            switch (SimdPaths.Active)
            {
                case SimdPath.Vector512: Row<Simd512, Vector512<float>>(input, output); break;
                case SimdPath.Vector256: Row<Simd256, Vector256<float>>(input, output); break;
                default: Row<SimdScalar, float>(input, output); break;
            }
        }
    }

    /// <summary>
    /// Backward pass of <see cref="Rows"/>: from the softmax outputs p and dL/dp, writes dL/dz = p ⊙ (dL/dp − ⟨p, dL/dp⟩)
    /// per row (<paramref name="destination"/> may alias <paramref name="outputGradient"/>).
    /// </summary>
    public static void RowsBackward(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> outputGradient, Span<float> destination, int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        long size = (long)rows * columns;
        if (probabilities.Length < size || outputGradient.Length < size || destination.Length < size)
            throw new ArgumentException($"Softmax backward over {rows}×{columns} needs {size} values in each span.");
        for (int r = 0; r < rows; r++)
        {
            var p = probabilities.Slice(r * columns, columns);
            var g = outputGradient.Slice(r * columns, columns);
            var d = destination.Slice(r * columns, columns);
            float inner = VectorOps.Dot(p, g);
            VectorOps.Multiply(p, g, d);
            VectorOps.AddScaled(-inner, p, d);
        }
    }

    private static void Row<TS, TV>(ReadOnlySpan<float> x, Span<float> y) where TS : ISimd<TV> where TV : struct
    {
        ref readonly float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(y);
        nint length = x.Length, w = TS.Count, i;

        float max = float.NegativeInfinity;
        TV maxVector = TS.Broadcast(float.NegativeInfinity);
        for (i = 0; i <= length - w; i += w)
            maxVector = TS.Max(maxVector, TS.Load(in xs, i));
        max = TS.MaxAcross(maxVector);
        for (; i < length; i++)
            max = MathF.Max(max, x[(int)i]);

        TV shift = TS.Broadcast(max), sumVector = TS.Zero;
        for (i = 0; i <= length - w; i += w)
        {
            TV e = TS.Exp(TS.Subtract(TS.Load(in xs, i), shift));
            sumVector = TS.Add(sumVector, e);
            TS.Store(e, ref ys, i);
        }
        float sum = TS.Sum(sumVector);
        for (; i < length; i++)
        {
            float e = MathF.Exp(x[(int)i] - max);
            sum += e;
            y[(int)i] = e;
        }

        TV scale = TS.Broadcast(1f / sum);
        for (i = 0; i <= length - w; i += w)
            TS.Store(TS.Multiply(TS.Load(in ys, i), scale), ref ys, i);
        for (; i < length; i++)
            y[(int)i] *= 1f / sum;
    }
}
