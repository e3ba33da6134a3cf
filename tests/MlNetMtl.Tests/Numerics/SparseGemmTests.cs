using MlNetMtl.Numerics;

namespace MlNetMtl.Tests.Numerics;

public class SparseGemmTests
{
    /// <summary>Random sparse rows (some empty, some with repeated columns) and their dense equivalent.</summary>
    private static (int[] Starts, int[] Indices, float[] Values, float[] Dense) RandomRows(int rows, int columns, int seed)
    {
        var rng = new Random(seed);
        var starts = new List<int> { 0 };
        var indices = new List<int>();
        var values = new List<float>();
        var dense = new float[rows * columns];
        for (int r = 0; r < rows; r++)
        {
            int count = r % 5 == 4 ? 0 : rng.Next(1, 6);
            for (int t = 0; t < count; t++)
            {
                int column = rng.Next(columns);
                float value = (float)(rng.NextDouble() * 2 - 1);
                indices.Add(column);
                values.Add(value);
                dense[r * columns + column] += value;
            }
            starts.Add(indices.Count);
        }
        return (starts.ToArray(), indices.ToArray(), values.ToArray(), dense);
    }

    private static IEnumerable<TestCaseData> Cases() =>
        from path in Reference.Paths from n in new[] { 1, 7, 16, 33, 257 } select new TestCaseData(path, n);

    [TestCaseSource(nameof(Cases))]
    public void SparseForward_EqualsDenseForward(SimdPath path, int n)
    {
        using var _ = Reference.Force(path);
        const int rows = 23, columns = 311;
        var (starts, indices, values, dense) = RandomRows(rows, columns, n);
        var weights = Reference.Random(columns * n, 2);
        var bias = Reference.Random(n, 3);
        var sparseOut = new float[rows * n];
        var denseOut = new float[rows * n];
        SparseGemm.Multiply(new CsrRows(starts, indices, values, columns), weights, sparseOut, n, bias, Activation.Relu);
        Gemm.Multiply(dense, weights, denseOut, rows, columns, n, bias: bias, activation: Activation.Relu);
        Reference.AssertClose(sparseOut, denseOut.Select(v => (double)v).ToArray(), 1e-5, 1e-5, "sparse vs dense forward");
    }

    [TestCaseSource(nameof(Cases))]
    public void SparseWeightGradient_EqualsDenseWeightGradient(SimdPath path, int n)
    {
        using var _ = Reference.Force(path);
        const int rows = 23, columns = 311;
        var (starts, indices, values, dense) = RandomRows(rows, columns, n + 100);
        var outputGradient = Reference.Random(rows * n, 4);
        var sparseGradient = new float[columns * n];
        var denseGradient = new float[columns * n];
        SparseGemm.MultiplyTransposeAAccumulate(new CsrRows(starts, indices, values, columns), outputGradient, sparseGradient, n);
        Gemm.MultiplyTransposeA(dense, outputGradient, denseGradient, columns, rows, n);
        Reference.AssertClose(sparseGradient, denseGradient.Select(v => (double)v).ToArray(), 1e-5, 1e-5, "sparse vs dense weight gradient");
    }

    [Test]
    public void SparseRows_RejectBadStructureAndIndices()
    {
        Assert.That(() => new CsrRows([0, 2], [1], [1f, 2f], 4), Throws.ArgumentException.With.Property("ParamName").EqualTo("values"));
        Assert.That(() => new CsrRows([0, 2], [1], [1f], 4), Throws.ArgumentException.With.Property("ParamName").EqualTo("rowStarts"));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            SparseGemm.Multiply(new CsrRows([0, 1], [9], [1f], 4), new float[8], new float[2], 2));
        Assert.That(error!.Message, Does.Contain("Sparse index 9").And.Contain("input width 4"));
    }
}
