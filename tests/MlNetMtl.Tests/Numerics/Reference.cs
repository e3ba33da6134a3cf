using MlNetMtl.Numerics;

namespace MlNetMtl.Tests.Numerics;

/// <summary>Naive double-precision references and random inputs for kernel tests.</summary>
internal static class Reference
{
    /// <summary>The SIMD paths to force; those this processor cannot run are skipped by <see cref="Force"/>.</summary>
    public static IEnumerable<SimdPath> Paths => Enum.GetValues<SimdPath>();

    /// <summary>The awkward sizes every kernel is tested on.</summary>
    public static readonly int[] Sizes = [1, 3, 7, 8, 15, 16, 17, 31, 33, 64, 127, 257, 511, 1000];

    public static IDisposable Force(SimdPath path)
    {
        Assume.That(path, Is.LessThanOrEqualTo(SimdPaths.Best), $"This processor cannot run the {path} path.");
        return SimdPaths.Force(path);
    }

    public static float[] Random(int length, int seed, float scale = 1f)
    {
        var rng = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)(rng.NextDouble() * 2 - 1) * scale;
        return values;
    }

    /// <summary>
    /// C = C₀ + op(A)·op(B) in double, with Σ|a||b| per element for the error bound. getA(i, p) and getB(p, j)
    /// hide the storage form.
    /// </summary>
    public static (double[] Value, double[] AbsoluteSum) Gemm(int m, int k, int n, Func<int, int, float> getA, Func<int, int, float> getB, float[]? c0)
    {
        var value = new double[m * n];
        var absolute = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = c0?[i * n + j] ?? 0, abs = Math.Abs(c0?[i * n + j] ?? 0);
                for (int p = 0; p < k; p++)
                {
                    double product = (double)getA(i, p) * getB(p, j);
                    sum += product;
                    abs += Math.Abs(product);
                }
                value[i * n + j] = sum;
                absolute[i * n + j] = abs;
            }
        return (value, absolute);
    }

    /// <summary>
    /// Asserts a float GEMM result against the double reference within the classic forward-error bound of a
    /// float dot product of length k: |ĉ − c| ≤ γ(k+2)·Σ|a||b|, γ(n) = n·u/(1 − n·u), u = 2⁻²⁴, plus a
    /// denormal-scale absolute slack. A wrong index or a lost term is orders of magnitude above it.
    /// </summary>
    public static void AssertGemmClose(ReadOnlySpan<float> actual, (double[] Value, double[] AbsoluteSum) expected, int k, string what)
    {
        const double u = 1.0 / (1 << 24);
        double gamma = (k + 2) * u / (1 - (k + 2) * u);
        for (int i = 0; i < expected.Value.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected.Value[i]);
            double bound = gamma * expected.AbsoluteSum[i] + 1e-30;
            if (!(error <= bound))
                Assert.Fail($"{what}: element {i} is {actual[i]}, expected {expected.Value[i]} (error {error:E2} > bound {bound:E2}).");
        }
    }

    /// <summary>Asserts every element within a relative-and-absolute tolerance.</summary>
    public static void AssertClose(ReadOnlySpan<float> actual, IReadOnlyList<double> expected, double relative, double absolute, string what)
    {
        Assert.That(actual.Length, Is.GreaterThanOrEqualTo(expected.Count), what);
        for (int i = 0; i < expected.Count; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            if (!(error <= absolute + relative * Math.Abs(expected[i])))
                Assert.Fail($"{what}: element {i} is {actual[i]}, expected {expected[i]} (error {error:E2}).");
        }
    }
}
