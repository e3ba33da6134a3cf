using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MlNetMtl.Numerics;

/// <summary>Element-wise vector updates.</summary>
internal static class VectorOps
{
    /// <summary><c>destination = x · y</c>, element by element.</summary>
    public static void Multiply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination) =>
        Elementwise.Map<MultiplyOperator>(x, y, destination);

    /// <summary>Σᵢ xᵢ·yᵢ.</summary>
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        if (x.Length != y.Length)
            throw new ArgumentException($"x has {x.Length} values and y {y.Length}; they must match.", nameof(y));
        return SimdPaths.Active switch
        {
            SimdPath.Vector512 => Dot<Simd512, Vector512<float>>(x, y),
            SimdPath.Vector256 => Dot<Simd256, Vector256<float>>(x, y),
            _ => Dot<SimdScalar, float>(x, y),
        };
    }

    private static float Dot<TS, TV>(ReadOnlySpan<float> x, ReadOnlySpan<float> y) where TS : ISimd<TV> where TV : struct
    {
        ref readonly float xs = ref MemoryMarshal.GetReference(x);
        ref readonly float ys = ref MemoryMarshal.GetReference(y);
        nint i = 0, length = x.Length, w = TS.Count;
        TV sum = TS.Zero;
        for (; i <= length - w; i += w)
            sum = TS.MultiplyAdd(TS.Load(in xs, i), TS.Load(in ys, i), sum);
        float total = TS.Sum(sum);
        for (; i < length; i++)
            total = MathF.FusedMultiplyAdd(SimdScalar.Load(in xs, i), SimdScalar.Load(in ys, i), total);
        return total;
    }

    /// <summary><c>x *= alpha</c>.</summary>
    public static void Scale(float alpha, Span<float> x)
    {
        switch (SimdPaths.Active)
        {
            case SimdPath.Vector512: Scale<Simd512, Vector512<float>>(alpha, x); break;
            case SimdPath.Vector256: Scale<Simd256, Vector256<float>>(alpha, x); break;
            default: Scale<SimdScalar, float>(alpha, x); break;
        }
    }

    private static void Scale<TS, TV>(float alpha, Span<float> x) where TS : ISimd<TV> where TV : struct
    {
        ref float xs = ref MemoryMarshal.GetReference(x);
        nint i = 0, length = x.Length, w = TS.Count;
        TV a = TS.Broadcast(alpha);
        for (; i <= length - w; i += w)
            TS.Store(TS.Multiply(a, TS.Load(in xs, i)), ref xs, i);
        for (; i < length; i++)
            SimdScalar.Store(alpha * SimdScalar.Load(in xs, i), ref xs, i);
    }

    /// <summary><c>y += alpha · x</c> (axpy).</summary>
    public static void AddScaled(float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        if (x.Length != y.Length)
            throw new ArgumentException($"x has {x.Length} values and y {y.Length}; they must match.", nameof(y));
        switch (SimdPaths.Active)
        {
            case SimdPath.Vector512: AddScaled<Simd512, Vector512<float>>(alpha, x, y); break;
            case SimdPath.Vector256: AddScaled<Simd256, Vector256<float>>(alpha, x, y); break;
            default: AddScaled<SimdScalar, float>(alpha, x, y); break;
        }
    }

    private static void AddScaled<TS, TV>(float alpha, ReadOnlySpan<float> x, Span<float> y) where TS : ISimd<TV> where TV : struct
    {
        ref readonly float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(y);
        nint i = 0, length = x.Length, w = TS.Count;
        TV a = TS.Broadcast(alpha);
        for (; i <= length - w; i += w)
            TS.Store(TS.MultiplyAdd(a, TS.Load(in xs, i), TS.Load(in ys, i)), ref ys, i);
        for (; i < length; i++)
            SimdScalar.Store(MathF.FusedMultiplyAdd(alpha, SimdScalar.Load(in xs, i), SimdScalar.Load(in ys, i)), ref ys, i);
    }
}
