using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MlNetMtl.Numerics;

/// <summary>In-place parameter updates, one pass over weights, gradients and optimizer state.</summary>
internal static class OptimizerKernels
{
    /// <summary>
    /// Adam (PyTorch's form) with coupled L2: g' = g + λw; m = β₁m + (1−β₁)g'; v = β₂v + (1−β₂)g'²;
    /// w −= (lr / c₁) · m / (√v / √c₂ + ε), where c₁ = 1 − β₁ᵗ and c₂ = 1 − β₂ᵗ.
    /// </summary>
    public static void Adam(Span<float> w, ReadOnlySpan<float> g, Span<float> m, Span<float> v, in AdamStep step)
    {
        switch (SimdPaths.Active)
        {
            case SimdPath.Vector512: Adam<Simd512, Vector512<float>>(w, g, m, v, step); break;
            case SimdPath.Vector256: Adam<Simd256, Vector256<float>>(w, g, m, v, step); break;
            default: Adam<SimdScalar, float>(w, g, m, v, step); break;
        }
    }

    /// <summary>SGD with momentum (PyTorch's form) and coupled L2: g' = g + λw; b = μb + g'; w −= lr·b.</summary>
    public static void Momentum(Span<float> w, ReadOnlySpan<float> g, Span<float> buffer, float learningRate, float momentum, float weightDecay)
    {
        switch (SimdPaths.Active)
        {
            case SimdPath.Vector512: Momentum<Simd512, Vector512<float>>(w, g, buffer, learningRate, momentum, weightDecay); break;
            case SimdPath.Vector256: Momentum<Simd256, Vector256<float>>(w, g, buffer, learningRate, momentum, weightDecay); break;
            default: Momentum<SimdScalar, float>(w, g, buffer, learningRate, momentum, weightDecay); break;
        }
    }

    /// <summary>
    /// Row-wise Adagrad on one table row, with coupled L2: g' = g + λw; s += mean(g'²); w −= η·g' / (√s + ε), where s is the
    /// row's one accumulator (<paramref name="accumulator"/>).
    /// </summary>
    public static void RowWiseAdagrad(Span<float> w, ReadOnlySpan<float> g, ref float accumulator, float learningRate, float epsilon, float weightDecay)
    {
        switch (SimdPaths.Active)
        {
            case SimdPath.Vector512: RowWiseAdagrad<Simd512, Vector512<float>>(w, g, ref accumulator, learningRate, epsilon, weightDecay); break;
            case SimdPath.Vector256: RowWiseAdagrad<Simd256, Vector256<float>>(w, g, ref accumulator, learningRate, epsilon, weightDecay); break;
            default: RowWiseAdagrad<SimdScalar, float>(w, g, ref accumulator, learningRate, epsilon, weightDecay); break;
        }
    }

    private static void RowWiseAdagrad<TS, TV>(Span<float> w, ReadOnlySpan<float> g, ref float accumulator, float learningRate, float epsilon, float weightDecay)
        where TS : ISimd<TV> where TV : struct
    {
        ref float ws = ref MemoryMarshal.GetReference(w);
        ref readonly float gs = ref MemoryMarshal.GetReference(g);
        nint i = 0, length = w.Length, lanes = TS.Count;
        TV decay = TS.Broadcast(weightDecay);
        TV squares = TS.Zero;
        for (; i <= length - lanes; i += lanes)
        {
            TV gradient = TS.MultiplyAdd(decay, TS.Load(in ws, i), TS.Load(in gs, i));
            squares = TS.MultiplyAdd(gradient, gradient, squares);
        }
        float sum = TS.Sum(squares);
        for (; i < length; i++)
        {
            float gradient = weightDecay * w[(int)i] + g[(int)i];
            sum += gradient * gradient;
        }
        accumulator += sum / length;
        float rate = learningRate / (MathF.Sqrt(accumulator) + epsilon);
        TV step = TS.Broadcast(-rate);
        for (i = 0; i <= length - lanes; i += lanes)
        {
            TV weight = TS.Load(in ws, i);
            TS.Store(TS.MultiplyAdd(step, TS.MultiplyAdd(decay, weight, TS.Load(in gs, i)), weight), ref ws, i);
        }
        for (; i < length; i++)
            w[(int)i] -= rate * (weightDecay * w[(int)i] + g[(int)i]);
    }

    private static void Adam<TS, TV>(Span<float> w, ReadOnlySpan<float> g, Span<float> m, Span<float> v, in AdamStep step)
        where TS : ISimd<TV> where TV : struct
    {
        ref float ws = ref MemoryMarshal.GetReference(w);
        ref readonly float gs = ref MemoryMarshal.GetReference(g);
        ref float ms = ref MemoryMarshal.GetReference(m);
        ref float vs = ref MemoryMarshal.GetReference(v);
        nint i = 0, length = w.Length, lanes = TS.Count;
        for (; i <= length - lanes; i += lanes)
            AdamLanes<TS, TV>(ref ws, in gs, ref ms, ref vs, i, step);
        for (; i < length; i++)
            AdamLanes<SimdScalar, float>(ref ws, in gs, ref ms, ref vs, i, step);
    }

    private static void AdamLanes<TS, TV>(ref float ws, ref readonly float gs, ref float ms, ref float vs, nint i, in AdamStep step)
        where TS : ISimd<TV> where TV : struct
    {
        TV weight = TS.Load(in ws, i);
        TV gradient = TS.MultiplyAdd(TS.Broadcast(step.WeightDecay), weight, TS.Load(in gs, i));
        TV first = TS.MultiplyAdd(TS.Broadcast(step.Beta1), TS.Load(in ms, i), TS.Multiply(TS.Broadcast(1f - step.Beta1), gradient));
        TV second = TS.MultiplyAdd(TS.Broadcast(step.Beta2), TS.Load(in vs, i), TS.Multiply(TS.Broadcast(1f - step.Beta2), TS.Multiply(gradient, gradient)));
        TV denominator = TS.Add(TS.Multiply(TS.Sqrt(second), TS.Broadcast(step.InverseSqrtCorrection2)), TS.Broadcast(step.Epsilon));
        TS.Store(first, ref ms, i);
        TS.Store(second, ref vs, i);
        TS.Store(TS.Subtract(weight, TS.Multiply(TS.Broadcast(step.StepSize), TS.Divide(first, denominator))), ref ws, i);
    }

    private static void Momentum<TS, TV>(Span<float> w, ReadOnlySpan<float> g, Span<float> buffer, float learningRate, float momentum, float weightDecay)
        where TS : ISimd<TV> where TV : struct
    {
        ref float ws = ref MemoryMarshal.GetReference(w);
        ref readonly float gs = ref MemoryMarshal.GetReference(g);
        ref float bs = ref MemoryMarshal.GetReference(buffer);
        nint i = 0, length = w.Length, lanes = TS.Count;
        for (; i <= length - lanes; i += lanes)
            MomentumLanes<TS, TV>(ref ws, in gs, ref bs, i, learningRate, momentum, weightDecay);
        for (; i < length; i++)
            MomentumLanes<SimdScalar, float>(ref ws, in gs, ref bs, i, learningRate, momentum, weightDecay);
    }

    private static void MomentumLanes<TS, TV>(ref float ws, ref readonly float gs, ref float bs, nint i, float learningRate, float momentum, float weightDecay)
        where TS : ISimd<TV> where TV : struct
    {
        TV weight = TS.Load(in ws, i);
        TV gradient = TS.MultiplyAdd(TS.Broadcast(weightDecay), weight, TS.Load(in gs, i));
        TV velocity = TS.MultiplyAdd(TS.Broadcast(momentum), TS.Load(in bs, i), gradient);
        TS.Store(velocity, ref bs, i);
        TS.Store(TS.Subtract(weight, TS.Multiply(TS.Broadcast(learningRate), velocity)), ref ws, i);
    }
}

/// <summary>The scalars of one Adam step, with the bias corrections folded in.</summary>
internal readonly struct AdamStep(float learningRate, float beta1, float beta2, float epsilon, float weightDecay, long step)
{
    public readonly float Beta1 = beta1;
    public readonly float Beta2 = beta2;
    public readonly float Epsilon = epsilon;
    public readonly float WeightDecay = weightDecay;
    /// <summary>lr / (1 − β₁ᵗ).</summary>
    public readonly float StepSize = (float)(learningRate / (1 - Math.Pow(beta1, step)));
    /// <summary>1 / √(1 − β₂ᵗ).</summary>
    public readonly float InverseSqrtCorrection2 = (float)(1 / Math.Sqrt(1 - Math.Pow(beta2, step)));
}
