using System.Runtime.Intrinsics;

namespace MlNetMtl.Numerics;

/// <summary>The instruction width the kernels run with (public because test cases and benchmark parameters name it; the kernels are internal).</summary>
public enum SimdPath
{
    /// <summary>Portable scalar code.</summary>
    Scalar,
    /// <summary>256-bit vectors (AVX2 on x64).</summary>
    Vector256,
    /// <summary>512-bit vectors (AVX-512 on x64).</summary>
    Vector512,
}

/// <summary>
/// Chooses the widest accelerated path at start-up. Tests force each path in turn with <see cref="Force"/>,
/// so all three are exercised on one machine.
/// </summary>
internal static class SimdPaths
{
    /// <summary>The widest path this processor accelerates.</summary>
    public static SimdPath Best { get; } =
        Vector512.IsHardwareAccelerated ? SimdPath.Vector512 :
        Vector256.IsHardwareAccelerated ? SimdPath.Vector256 : SimdPath.Scalar;

    /// <summary>The path every kernel call uses now.</summary>
    public static SimdPath Active { get; private set; } = Best;

    /// <summary>
    /// Makes every kernel use <paramref name="path"/> until the returned scope is disposed. Not thread-safe:
    /// meant for tests and benchmarks that compare paths. Throws if the processor cannot run the path.
    /// </summary>
    internal static IDisposable Force(SimdPath path)
    {
        if (path > Best)
            throw new PlatformNotSupportedException($"SIMD path {path} is not accelerated on this processor (best is {Best}).");
        var previous = Active;
        Active = path;
        return new Restore(previous);
    }

    private sealed class Restore(SimdPath previous) : IDisposable
    {
        public void Dispose() => Active = previous;
    }
}
