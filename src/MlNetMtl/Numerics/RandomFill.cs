namespace MlNetMtl.Numerics;

/// <summary>
/// Fills weights with random draws fast enough for tables of tens of millions of values: one 64-bit seed is taken from the
/// caller's <see cref="Random"/> (so a seeded run stays deterministic), then a SplitMix64 stream gives the uniform draws —
/// used directly, or through Marsaglia's polar method in single precision for normal ones (about 10 ns a value where
/// <c>Random.NextDouble</c> with a double Box–Muller costs several times that).
/// </summary>
internal static class RandomFill
{
    /// <summary>Writes U(−<paramref name="bound"/>, <paramref name="bound"/>) values into <paramref name="values"/> (variance bound²/3).</summary>
    public static void Uniform(Span<float> values, double bound, Random random)
    {
        ulong state = (ulong)random.NextInt64();
        float scale = (float)(2 * bound), offset = (float)bound;
        for (int i = 0; i < values.Length; i++)
            values[i] = Uniform(ref state) * scale - offset;
    }

    /// <summary>Writes N(0, <paramref name="deviation"/>²) values into <paramref name="values"/>.</summary>
    public static void Normal(Span<float> values, double deviation, Random random)
    {
        ulong state = (ulong)random.NextInt64();
        float scale = (float)deviation;
        int i = 0;
        while (i < values.Length)
        {
            // Polar method: (u, v) uniform in the unit disc gives two independent normals u·f and v·f, f = √(−2 ln s / s).
            float u, v, s;
            do
            {
                u = Uniform(ref state) * 2f - 1f;
                v = Uniform(ref state) * 2f - 1f;
                s = u * u + v * v;
            }
            while (s >= 1f || s == 0f);
            float factor = scale * MathF.Sqrt(-2f * MathF.Log(s) / s);
            values[i++] = u * factor;
            if (i < values.Length)
                values[i++] = v * factor;
        }
    }

    /// <summary>A uniform draw in [0, 1) from the top 24 bits of the next SplitMix64 output.</summary>
    private static float Uniform(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 40) * (1f / (1 << 24));
    }
}
