using MlNetMtl.Numerics;

namespace MlNetMtl.Tests.Numerics;

public class GemmTests
{
    /// <summary>(m, k, n) triples mixing the awkward sizes across the three dimensions.</summary>
    public static IEnumerable<int[]> Shapes()
    {
        int[] s = Reference.Sizes;
        for (int i = 0; i < s.Length; i++)
        {
            int m = s[i], k = s[(i + 5) % s.Length], n = s[(i + 9) % s.Length];
            if ((long)m * k * n > 40_000_000)
                k = s[(i + 2) % 7];
            yield return [m, k, n];
        }
        yield return [257, 1000, 17];
        yield return [1000, 33, 257];
    }

    private static IEnumerable<TestCaseData> Cases() =>
        from path in Reference.Paths from shape in Shapes() select new TestCaseData(path, shape[0], shape[1], shape[2]);

    [TestCaseSource(nameof(Cases))]
    public void Multiply_MatchesReference(SimdPath path, int m, int k, int n)
    {
        using var _ = Reference.Force(path);
        float[] a = Reference.Random(m * k, 1), b = Reference.Random(k * n, 2), c = new float[m * n];
        Gemm.Multiply(a, b, c, m, k, n);
        Reference.AssertGemmClose(c, Reference.Gemm(m, k, n, (i, p) => a[i * k + p], (p, j) => b[p * n + j], null), k, "A·B");
    }

    [TestCaseSource(nameof(Cases))]
    public void MultiplyTransposeB_MatchesReference(SimdPath path, int m, int k, int n)
    {
        using var _ = Reference.Force(path);
        float[] a = Reference.Random(m * k, 3), b = Reference.Random(n * k, 4), c = Reference.Random(m * n, 5), c0 = (float[])c.Clone();
        Gemm.MultiplyTransposeB(a, b, c, m, k, n, accumulate: true);
        Reference.AssertGemmClose(c, Reference.Gemm(m, k, n, (i, p) => a[i * k + p], (p, j) => b[j * k + p], c0), k, "C + A·Bᵀ");
    }

    [TestCaseSource(nameof(Cases))]
    public void MultiplyTransposeA_MatchesReference(SimdPath path, int m, int k, int n)
    {
        using var _ = Reference.Force(path);
        float[] a = Reference.Random(k * m, 6), b = Reference.Random(k * n, 7), c = Reference.Random(m * n, 8);
        Gemm.MultiplyTransposeA(a, b, c, m, k, n);
        Reference.AssertGemmClose(c, Reference.Gemm(m, k, n, (i, p) => a[p * m + i], (p, j) => b[p * n + j], null), k, "Aᵀ·B");
    }

    [TestCaseSource(nameof(Cases))]
    public void Multiply_FusedBiasAndRelu_MatchesReference(SimdPath path, int m, int k, int n)
    {
        using var _ = Reference.Force(path);
        float[] a = Reference.Random(m * k, 9), b = Reference.Random(k * n, 10), bias = Reference.Random(n, 11, 3f), c = new float[m * n];
        Gemm.Multiply(a, b, c, m, k, n, bias: bias, activation: Activation.Relu);
        var reference = Reference.Gemm(m, k, n, (i, p) => a[i * k + p], (p, j) => b[p * n + j], null);
        for (int i = 0; i < m * n; i++)
        {
            reference.Value[i] = Math.Max(0, reference.Value[i] + bias[i % n]);
            reference.AbsoluteSum[i] += Math.Abs(bias[i % n]);
        }
        Reference.AssertGemmClose(c, reference, k + 1, "relu(A·B + bias)");
    }

    private static IEnumerable<TestCaseData> AccumulateCases() =>
        from path in Reference.Paths from m in new[] { 3, 19 } select new TestCaseData(path, m); // 3 rows take the unpacked few-rows path

    [TestCaseSource(nameof(AccumulateCases))]
    public void Multiply_AccumulateWithBias_AddsOldValueOnce(SimdPath path, int m)
    {
        using var _ = Reference.Force(path);
        const int k = 600, n = 45; // k spans three depth blocks: the bias and C₀ must be added exactly once.
        float[] a = Reference.Random(m * k, 12), b = Reference.Random(k * n, 13), bias = Reference.Random(n, 14), c = Reference.Random(m * n, 15);
        float[] c0 = (float[])c.Clone();
        Gemm.Multiply(a, b, c, m, k, n, accumulate: true, bias: bias);
        var reference = Reference.Gemm(m, k, n, (i, p) => a[i * k + p], (p, j) => b[p * n + j], c0);
        for (int i = 0; i < m * n; i++)
            reference.Value[i] += bias[i % n];
        Reference.AssertGemmClose(c, reference, k + 2, "C + A·B + bias");
    }

    [Test]
    public void Multiply_EmptyDepth_LeavesBiasAndActivation()
    {
        float[] c = [5f, -5f, 1f, 1f];
        Gemm.Multiply([], [], c, 2, 0, 2, accumulate: true, bias: [1f, 1f], activation: Activation.Relu);
        Assert.That(c, Is.EqualTo(new[] { 6f, 0f, 2f, 2f }));
    }

    [Test]
    public void Multiply_RejectsShortOperandsNamingThem()
    {
        var a = new float[5];
        var b = new float[6];
        var c = new float[6];
        var error = Assert.Throws<ArgumentException>(() => Gemm.Multiply(a, b, c, 2, 3, 2));
        Assert.That(error!.ParamName, Is.EqualTo("a"));
        Assert.That(error.Message, Does.Contain("m=2, k=3"));
        Assert.That(() => Gemm.Multiply(new float[6], b, new float[3], 2, 3, 2), Throws.ArgumentException.With.Property("ParamName").EqualTo("c"));
        Assert.That(() => Gemm.Multiply(new float[6], b, c, 2, 3, 2, bias: new float[3]), Throws.ArgumentException.With.Property("ParamName").EqualTo("bias"));
        Assert.That(() => Gemm.Multiply(a, b, c, -1, 3, 2), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
