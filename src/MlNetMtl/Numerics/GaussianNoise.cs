using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace MlNetMtl.Numerics;

/// <summary>
/// Adds N(0, σ²) noise to a vector, fast enough to noise every parameter of a network at every step (DP-SGD). Each value
/// takes 64 random bits: the top 24 give u₁ ∈ (0, 1], the next 24 give u₂ ∈ [0, 1), and Box–Muller's
/// z = √(−2 ln u₁)·cos(2πu₂) is a standard normal (24-bit uniforms truncate it beyond ±5.8σ). The bits come either from a
/// counter-based SplitMix64 stream — value i of stream s is a hash of (s, i), so the noise depends on neither chunking nor
/// thread count and a seeded run repeats bit for bit — or from the operating system's cryptographic generator.
/// </summary>
internal static class GaussianNoise
{
    private const int Block = 1024;
    private const float TwoPi = 2 * MathF.PI;
    private const float Unit = 1f / (1 << 24);

    /// <summary>
    /// values[i] ← (values[i] + σ·zᵢ)·<paramref name="scale"/>, z from the seeded stream <paramref name="stream"/> starting at its value
    /// <paramref name="first"/>.
    /// </summary>
    public static void AddSeeded(Span<float> values, float deviation, ulong stream, long first = 0, float scale = 1f)
    {
        Span<ulong> bits = stackalloc ulong[Block];
        for (int start = 0; start < values.Length; start += Block)
        {
            int count = Math.Min(Block, values.Length - start);
            SplitMixBits(bits[..count], stream, first + start);
            AddFromBits(values.Slice(start, count), bits[..count], deviation, scale);
        }
    }

    /// <summary>values[i] ← (values[i] + σ·zᵢ)·<paramref name="scale"/>, z from the operating system's cryptographically secure generator.</summary>
    public static void AddSecure(Span<float> values, float deviation, float scale = 1f)
    {
        Span<ulong> bits = stackalloc ulong[Block];
        for (int start = 0; start < values.Length; start += Block)
        {
            int count = Math.Min(Block, values.Length - start);
            RandomNumberGenerator.Fill(MemoryMarshal.AsBytes(bits[..count]));
            AddFromBits(values.Slice(start, count), bits[..count], deviation, scale);
        }
    }

    /// <summary>Values [first, first + bits.Length) of SplitMix64 stream <paramref name="stream"/>: the finaliser of stream·φ + (i + 1)·γ.</summary>
    internal static void SplitMixBits(Span<ulong> bits, ulong stream, long first)
    {
        const ulong Gamma = 0x9E3779B97F4A7C15UL;
        ulong origin = Mix(stream * Gamma + 0x632BE59BD9B4E019UL);
        int i = 0;
        if (Vector.IsHardwareAccelerated && bits.Length >= Vector<ulong>.Count)
        {
            var lanes = new Vector<ulong>(0);
            for (int l = 0; l < Vector<ulong>.Count; l++)
                lanes = lanes.WithElement(l, (ulong)l);
            var step = new Vector<ulong>((ulong)Vector<ulong>.Count);
            var counter = lanes + new Vector<ulong>((ulong)first + 1);
            for (; i <= bits.Length - Vector<ulong>.Count; i += Vector<ulong>.Count)
            {
                var z = new Vector<ulong>(origin) + counter * new Vector<ulong>(Gamma);
                z = (z ^ (z >>> 30)) * new Vector<ulong>(0xBF58476D1CE4E5B9UL);
                z = (z ^ (z >>> 27)) * new Vector<ulong>(0x94D049BB133111EBUL);
                (z ^ (z >>> 31)).CopyTo(bits[i..]);
                counter += step;
            }
        }
        for (; i < bits.Length; i++)
            bits[i] = Mix(origin + (ulong)(first + i + 1) * Gamma);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>
    /// values[i] ← (values[i] + σ·√(−2 ln u₁)·cos(2πu₂))·scale with u₁, u₂ from bits[i]: sixteen at a time on the AVX-512 path
    /// (<see cref="SimdPaths"/>; Vector512's Log and Cos are accelerated, the narrower generic vectors' measured 2–3 ns a value, no faster than scalar), else one by one.
    /// </summary>
    internal static void AddFromBits(Span<float> values, ReadOnlySpan<ulong> bits, float deviation, float scale = 1f)
    {
        int i = 0;
        if (SimdPaths.Active == SimdPath.Vector512)
        {
            var mask = Vector512.Create(0xFFFFFFUL);
            var unit = Vector512.Create(Unit);
            var angle = Vector512.Create(Unit * TwoPi);
            var minusTwo = Vector512.Create(-2f);
            var sigma = Vector512.Create(deviation);
            var factor = Vector512.Create(scale);
            for (; i <= values.Length - 16; i += 16)
            {
                // Two vectors of eight lanes' bits; narrowing keeps each lane's low half, so u₁ takes bits 40–63 and u₂ bits 16–39.
                var a = Vector512.Create(bits.Slice(i, 8));
                var b = Vector512.Create(bits.Slice(i + 8, 8));
                var top = Vector512.Narrow((a >>> 40) & mask, (b >>> 40) & mask).AsInt32();
                var next = Vector512.Narrow((a >>> 16) & mask, (b >>> 16) & mask).AsInt32();
                var u1 = (Vector512.ConvertToSingle(top) + Vector512<float>.One) * unit;
                var radius = Vector512.Sqrt(Vector512.Log(u1) * minusTwo);
                var cos = Vector512.Cos(Vector512.ConvertToSingle(next) * angle);
                var target = Vector512.Create(values.Slice(i, 16));
                ((target + radius * cos * sigma) * factor).CopyTo(values.Slice(i, 16));
            }
        }
        for (; i < values.Length; i++)
            values[i] = (values[i] + deviation * Normal(bits[i])) * scale;
    }

    /// <summary>The standard normal draw of one value's bits (the vector path's reference).</summary>
    internal static float Normal(ulong bits)
    {
        float u1 = (((bits >> 40) & 0xFFFFFF) + 1f) * Unit;
        float u2 = ((bits >> 16) & 0xFFFFFF) * (Unit * TwoPi);
        return MathF.Sqrt(-2f * MathF.Log(u1)) * MathF.Cos(u2);
    }
}
