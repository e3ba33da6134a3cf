using MlNetMtl.Numerics;

namespace MlNetMtl.Tests.Numerics;

/// <summary>
/// Segmented products (several experts' first layers sharing A): each segment equals the reference product of its
/// own B, and equals bit for bit the separate GEMM of that segment — the same packed panels in the same order.
/// </summary>
public class GemmSegmentsTests
{
    // Widths 32, 64 and 128 fill whole register panels on every path (one product); 48 and 20 do not on AVX-512 (one product per segment).
    private static IEnumerable<TestCaseData> Cases() =>
        from path in Reference.Paths
        from shape in new[] { (m: 19, k: 37, h: 32, s: 3), (m: 130, k: 300, h: 64, s: 2), (m: 257, k: 17, h: 128, s: 5), (m: 3, k: 33, h: 32, s: 2), (m: 40, k: 31, h: 48, s: 3), (m: 17, k: 8, h: 20, s: 4) }
        select new TestCaseData(path, shape.m, shape.k, shape.h, shape.s);

    [TestCaseSource(nameof(Cases))]
    public void MultiplySegments_MatchTheReference_AndTheSeparateProducts(SimdPath path, int m, int k, int h, int segments)
    {
        using var _ = Reference.Force(path);
        var a = Reference.Random(m * k, 1);
        var b = Enumerable.Range(0, segments).Select(s => Reference.Random(k * h, 10 + s)).ToArray();
        var bias = Enumerable.Range(0, segments).Select(s => Reference.Random(h, 20 + s, 2f)).ToArray();
        var c = Enumerable.Range(0, segments).Select(_ => new float[m * h]).ToArray();
        Gemm.MultiplySegments(a, b, c, m, k, h, bias, Activation.Relu);
        for (int s = 0; s < segments; s++)
        {
            var separate = new float[m * h];
            Gemm.Multiply(a, b[s], separate, m, k, h, bias: bias[s], activation: Activation.Relu);
            Assert.That(c[s], Is.EqualTo(separate), $"segment {s}: bit for bit the separate product");
            var reference = Reference.Gemm(m, k, h, (i, p) => a[i * k + p], (p, j) => b[s][p * h + j], null);
            for (int i = 0; i < m * h; i++)
            {
                reference.Value[i] = Math.Max(0, reference.Value[i] + bias[s][i % h]);
                reference.AbsoluteSum[i] += Math.Abs(bias[s][i % h]);
            }
            Reference.AssertGemmClose(c[s], reference, k + 1, $"segment {s}");
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void MultiplyTransposeASegments_MatchTheReference_AndTheSeparateProducts(SimdPath path, int m, int k, int h, int segments)
    {
        using var _ = Reference.Force(path);
        // A stored [k × m] (k = batch rows, m = input width), B_s [k × h] (each expert's output gradient), C_s [m × h].
        var a = Reference.Random(k * m, 2);
        var b = Enumerable.Range(0, segments).Select(s => Reference.Random(k * h, 30 + s)).ToArray();
        var c = Enumerable.Range(0, segments).Select(_ => Reference.Random(m * h, 40)).ToArray(); // overwritten
        Gemm.MultiplyTransposeASegments(a, b, c, m, k, h);
        for (int s = 0; s < segments; s++)
        {
            var separate = new float[m * h];
            Gemm.MultiplyTransposeA(a, b[s], separate, m, k, h);
            Assert.That(c[s], Is.EqualTo(separate), $"segment {s}: bit for bit the separate product");
            Reference.AssertGemmClose(c[s], Reference.Gemm(m, k, h, (i, p) => a[p * m + i], (p, j) => b[s][p * h + j], null), k, $"segment {s}");
        }
    }

    [Test]
    public void MismatchedSegments_AreRejected()
    {
        float[] a = new float[4 * 3];
        float[][] b = [new float[3 * 32], new float[3 * 32]], c = [new float[4 * 32]];
        Assert.That(() => Gemm.MultiplySegments(a, b, c, 4, 3, 32, null, Activation.Identity), Throws.ArgumentException.With.Message.Contains("2 B, 1 C"));
        Assert.That(() => Gemm.MultiplySegments(a, [new float[10]], [new float[4 * 32]], 4, 3, 32, null, Activation.Identity), Throws.ArgumentException.With.Message.Contains("B segment 0"));
    }
}
