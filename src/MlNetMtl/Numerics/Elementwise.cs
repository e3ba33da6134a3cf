using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MlNetMtl.Numerics;

/// <summary>
/// The one driver for element-wise operators: picks the register width from <see cref="SimdPaths.Active"/>,
/// runs whole registers, and finishes the tail with the same operator on scalars.
/// </summary>
internal static class Elementwise
{
    public static void Map<TOp>(ReadOnlySpan<float> x, Span<float> destination) where TOp : IUnaryOperator
    {
        CheckLengths(x.Length, x.Length, destination.Length);
        switch (SimdPaths.Active)
        {
            case SimdPath.Vector512: Map<TOp, Simd512, Vector512<float>>(x, destination); break;
            case SimdPath.Vector256: Map<TOp, Simd256, Vector256<float>>(x, destination); break;
            default: Map<TOp, SimdScalar, float>(x, destination); break;
        }
    }

    public static void Map<TOp>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination) where TOp : IBinaryOperator
    {
        CheckLengths(x.Length, y.Length, destination.Length);
        switch (SimdPaths.Active)
        {
            case SimdPath.Vector512: Map<TOp, Simd512, Vector512<float>>(x, y, destination); break;
            case SimdPath.Vector256: Map<TOp, Simd256, Vector256<float>>(x, y, destination); break;
            default: Map<TOp, SimdScalar, float>(x, y, destination); break;
        }
    }

    /// <summary>Applies a loss element-wise: writes each gradient, returns the sum of the losses.</summary>
    public static double Loss<TOp>(ReadOnlySpan<float> predictions, ReadOnlySpan<float> labels, Span<float> gradient) where TOp : ILossOperator
    {
        CheckLengths(predictions.Length, labels.Length, gradient.Length);
        return SimdPaths.Active switch
        {
            SimdPath.Vector512 => Loss<TOp, Simd512, Vector512<float>>(predictions, labels, gradient),
            SimdPath.Vector256 => Loss<TOp, Simd256, Vector256<float>>(predictions, labels, gradient),
            _ => Loss<TOp, SimdScalar, float>(predictions, labels, gradient),
        };
    }

    /// <summary>Weighted loss: writes wᵢ·∂ℓᵢ for each element and returns Σ wᵢ·ℓᵢ.</summary>
    public static double WeightedLoss<TOp>(ReadOnlySpan<float> predictions, ReadOnlySpan<float> labels, ReadOnlySpan<float> weights, Span<float> gradient) where TOp : ILossOperator
    {
        CheckLengths(predictions.Length, labels.Length, gradient.Length);
        CheckLengths(predictions.Length, weights.Length, gradient.Length);
        return SimdPaths.Active switch
        {
            SimdPath.Vector512 => WeightedLoss<TOp, Simd512, Vector512<float>>(predictions, labels, weights, gradient),
            SimdPath.Vector256 => WeightedLoss<TOp, Simd256, Vector256<float>>(predictions, labels, weights, gradient),
            _ => WeightedLoss<TOp, SimdScalar, float>(predictions, labels, weights, gradient),
        };
    }

    private static double WeightedLoss<TOp, TS, TV>(ReadOnlySpan<float> predictions, ReadOnlySpan<float> labels, ReadOnlySpan<float> weights, Span<float> gradient)
        where TOp : ILossOperator where TS : ISimd<TV> where TV : struct
    {
        ref readonly float ps = ref MemoryMarshal.GetReference(predictions);
        ref readonly float ls = ref MemoryMarshal.GetReference(labels);
        ref readonly float ws = ref MemoryMarshal.GetReference(weights);
        ref float gs = ref MemoryMarshal.GetReference(gradient);
        nint i = 0, length = predictions.Length, w = TS.Count;
        TV sum = TS.Zero;
        for (; i <= length - w; i += w)
        {
            TV weight = TS.Load(in ws, i);
            TV loss = TOp.Invoke<TS, TV>(TS.Load(in ps, i), TS.Load(in ls, i), out TV g);
            sum = TS.MultiplyAdd(weight, loss, sum);
            TS.Store(TS.Multiply(weight, g), ref gs, i);
        }
        double total = TS.Sum(sum);
        for (; i < length; i++)
        {
            float weight = SimdScalar.Load(in ws, i);
            total += weight * TOp.Invoke<SimdScalar, float>(SimdScalar.Load(in ps, i), SimdScalar.Load(in ls, i), out float g);
            SimdScalar.Store(weight * g, ref gs, i);
        }
        return total;
    }

    private static void CheckLengths(int x, int y, int destination)
    {
        if (x != y)
            throw new ArgumentException($"The inputs differ in length ({x} and {y}).");
        if (destination < x)
            throw new ArgumentException($"The destination holds {destination} values; the input has {x}.", nameof(destination));
    }

    private static void Map<TOp, TS, TV>(ReadOnlySpan<float> x, Span<float> destination)
        where TOp : IUnaryOperator where TS : ISimd<TV> where TV : struct
    {
        ref readonly float xs = ref MemoryMarshal.GetReference(x);
        ref float ds = ref MemoryMarshal.GetReference(destination);
        nint i = 0, length = x.Length, w = TS.Count;
        for (; i <= length - w; i += w)
            TS.Store(TOp.Invoke<TS, TV>(TS.Load(in xs, i)), ref ds, i);
        for (; i < length; i++)
            SimdScalar.Store(TOp.Invoke<SimdScalar, float>(SimdScalar.Load(in xs, i)), ref ds, i);
    }

    private static void Map<TOp, TS, TV>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
        where TOp : IBinaryOperator where TS : ISimd<TV> where TV : struct
    {
        ref readonly float xs = ref MemoryMarshal.GetReference(x);
        ref readonly float ys = ref MemoryMarshal.GetReference(y);
        ref float ds = ref MemoryMarshal.GetReference(destination);
        nint i = 0, length = x.Length, w = TS.Count;
        for (; i <= length - w; i += w)
            TS.Store(TOp.Invoke<TS, TV>(TS.Load(in xs, i), TS.Load(in ys, i)), ref ds, i);
        for (; i < length; i++)
            SimdScalar.Store(TOp.Invoke<SimdScalar, float>(SimdScalar.Load(in xs, i), SimdScalar.Load(in ys, i)), ref ds, i);
    }

    private static double Loss<TOp, TS, TV>(ReadOnlySpan<float> predictions, ReadOnlySpan<float> labels, Span<float> gradient)
        where TOp : ILossOperator where TS : ISimd<TV> where TV : struct
    {
        ref readonly float ps = ref MemoryMarshal.GetReference(predictions);
        ref readonly float ls = ref MemoryMarshal.GetReference(labels);
        ref float gs = ref MemoryMarshal.GetReference(gradient);
        nint i = 0, length = predictions.Length, w = TS.Count;
        TV sum = TS.Zero;
        for (; i <= length - w; i += w)
        {
            sum = TS.Add(sum, TOp.Invoke<TS, TV>(TS.Load(in ps, i), TS.Load(in ls, i), out TV g));
            TS.Store(g, ref gs, i);
        }
        double total = TS.Sum(sum);
        for (; i < length; i++)
        {
            total += TOp.Invoke<SimdScalar, float>(SimdScalar.Load(in ps, i), SimdScalar.Load(in ls, i), out float g);
            SimdScalar.Store(g, ref gs, i);
        }
        return total;
    }
}
