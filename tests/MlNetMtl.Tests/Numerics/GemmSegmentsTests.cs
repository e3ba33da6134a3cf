using MlNetMtl.Numerics;

namespace MlNetMtl.Tests.Numerics;

/// <summary>
/// Segmented products (several first layers sharing A, of any widths, with their own biases and activations): each
/// segment equals the reference product of its own B, and equals bit for bit the separate GEMM of that segment — the
/// same packed panels in the same order.
/// </summary>
public class GemmSegmentsTests
{
    // Widths of 32 and its multiples fill whole register panels on every path (one product); 48 and 20 do not on AVX-512 (one product per segment).
    private static IEnumerable<TestCaseData> Cases() =>
        from path in Reference.Paths
        from shape in new[]
        {
            (m: 19, k: 37, widths: new[] { 32, 32, 32 }), (m: 130, k: 300, widths: new[] { 64, 64 }), (m: 257, k: 17, widths: new[] { 128, 128, 128, 128, 128 }),
            (m: 3, k: 33, widths: new[] { 32, 32 }), (m: 40, k: 31, widths: new[] { 48, 48, 48 }), (m: 17, k: 8, widths: new[] { 20, 20, 20, 20 }),
            (m: 70, k: 45, widths: new[] { 128, 128, 32, 32 }), (m: 9, k: 300, widths: new[] { 64, 32, 96 }),
        }
        select new TestCaseData(path, shape.m, shape.k, shape.widths).SetArgDisplayNames(path.ToString(), $"{shape.m}", $"{shape.k}", string.Join("+", shape.widths));

    private static int[] Starts(int[] widths)
    {
        var starts = new int[widths.Length + 1];
        for (int s = 0; s < widths.Length; s++)
            starts[s + 1] = starts[s] + widths[s];
        return starts;
    }

    [TestCaseSource(nameof(Cases))]
    public void MultiplySegments_MatchTheReference_AndTheSeparateProducts(SimdPath path, int m, int k, int[] widths)
    {
        using var _ = Reference.Force(path);
        int segments = widths.Length;
        var a = Reference.Random(m * k, 1);
        var b = widths.Select((h, s) => Reference.Random(k * h, 10 + s)).ToArray();
        var bias = widths.Select((h, s) => Reference.Random(h, 20 + s, 2f)).ToArray();
        var activations = widths.Select((_, s) => s % 2 == 0 ? Activation.Relu : Activation.Identity).ToArray(); // experts ReLU, gates linear
        var c = widths.Select(h => new float[m * h]).ToArray();
        Gemm.MultiplySegments(a, b, c, m, k, Starts(widths), bias, activations);
        for (int s = 0; s < segments; s++)
        {
            int h = widths[s];
            var separate = new float[m * h];
            Gemm.Multiply(a, b[s], separate, m, k, h, bias: bias[s], activation: activations[s]);
            Assert.That(c[s], Is.EqualTo(separate), $"segment {s}: bit for bit the separate product");
            var reference = Reference.Gemm(m, k, h, (i, p) => a[i * k + p], (p, j) => b[s][p * h + j], null);
            for (int i = 0; i < m * h; i++)
            {
                reference.Value[i] += bias[s][i % h];
                if (activations[s] == Activation.Relu)
                    reference.Value[i] = Math.Max(0, reference.Value[i]);
                reference.AbsoluteSum[i] += Math.Abs(bias[s][i % h]);
            }
            Reference.AssertGemmClose(c[s], reference, k + 1, $"segment {s}");
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void MultiplyTransposeASegments_MatchTheReference_AndTheSeparateProducts(SimdPath path, int m, int k, int[] widths)
    {
        using var _ = Reference.Force(path);
        // A stored [k × m] (k = batch rows, m = input width), B_s [k × width] (each layer's output gradient), C_s [m × width].
        var a = Reference.Random(k * m, 2);
        var b = widths.Select((h, s) => Reference.Random(k * h, 30 + s)).ToArray();
        var c = widths.Select(h => Reference.Random(m * h, 40)).ToArray(); // overwritten
        Gemm.MultiplyTransposeASegments(a, b, c, m, k, Starts(widths));
        for (int s = 0; s < widths.Length; s++)
        {
            int h = widths[s];
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
        Assert.That(() => Gemm.MultiplySegments(a, b, c, 4, 3, [0, 32, 64], null, null), Throws.ArgumentException.With.Message.Contains("2 B, 1 C"));
        Assert.That(() => Gemm.MultiplySegments(a, [new float[10]], [new float[4 * 32]], 4, 3, [0, 32], null, null), Throws.ArgumentException.With.Message.Contains("B segment 0"));
        Assert.That(() => Gemm.MultiplySegments(a, b, [new float[4 * 32], new float[4 * 32]], 4, 3, [0, 32, 32], null, null), Throws.ArgumentException.With.Message.Contains("width 0"));
    }
}
