using System.Runtime.CompilerServices;

namespace MlNetMtl.Numerics;

/// <summary>
/// The vector operations every kernel is written against, once. Each SIMD width supplies one struct
/// implementing it (<see cref="Simd512"/>, <see cref="Simd256"/>, <see cref="SimdScalar"/>); kernels are
/// generic over that struct, so the JIT specialises and inlines each width.
/// </summary>
/// <typeparam name="TV">The register type: <c>Vector512&lt;float&gt;</c>, <c>Vector256&lt;float&gt;</c> or <c>float</c>.</typeparam>
internal interface ISimd<TV> where TV : struct
{
    /// <summary>Lanes in one register.</summary>
    static abstract int Count { get; }
    static abstract TV Zero { get; }
    static abstract TV Broadcast(float value);
    static abstract TV Load(ref readonly float source, nint offset);
    static abstract void Store(TV value, ref float destination, nint offset);
    static abstract TV Add(TV a, TV b);
    static abstract TV Subtract(TV a, TV b);
    static abstract TV Multiply(TV a, TV b);
    static abstract TV Divide(TV a, TV b);
    /// <summary>a·b + c, fused.</summary>
    static abstract TV MultiplyAdd(TV a, TV b, TV c);
    static abstract TV Max(TV a, TV b);
    static abstract TV Min(TV a, TV b);
    static abstract TV Abs(TV a);
    static abstract TV Exp(TV a);
    static abstract TV Log(TV a);
    static abstract TV Sqrt(TV a);
    /// <summary>Lane-wise <c>condition &gt; 0 ? whenPositive : otherwise</c>.</summary>
    static abstract TV SelectPositive(TV condition, TV whenPositive, TV otherwise);
    /// <summary>Sum of the lanes.</summary>
    static abstract float Sum(TV a);
    /// <summary>Largest lane.</summary>
    static abstract float MaxAcross(TV a);
}

/// <summary>Helpers shared by the generic kernels.</summary>
internal static class SimdRef
{
    /// <summary>A writable reference to element <paramref name="offset"/> of a span, for the loads and stores of <see cref="ISimd{TV}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref float At(Span<float> span, nint offset) => ref Unsafe.Add(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(span), offset);

    /// <summary>A read-only reference to element <paramref name="offset"/> of a span.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref readonly float At(ReadOnlySpan<float> span, nint offset) => ref Unsafe.Add(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(span), offset);
}
