using MlNetMtl.Numerics;

namespace MlNetMtl.Tests.Numerics;

public class ElementwiseKernelTests
{
    private static IEnumerable<TestCaseData> Cases() =>
        from path in Reference.Paths from size in Reference.Sizes select new TestCaseData(path, size);

    /// <summary>Inputs spanning the stable and the overflow-prone ranges of exp.</summary>
    private static float[] Logits(int size, int seed)
    {
        var x = Reference.Random(size, seed, 12f);
        if (size > 4)
        {
            x[0] = 90f; x[1] = -90f; x[2] = 0f; x[3] = -1e4f;
        }
        return x;
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    // The vector exp/log are accurate to a few ulps; 1e-6 relative plus 1e-7 absolute (float's resolution near 1) covers them.
    private const double Relative = 1e-6, Absolute = 1e-7;

    [TestCaseSource(nameof(Cases))]
    public void Sigmoid_MatchesReference(SimdPath path, int size)
    {
        using var _ = Reference.Force(path);
        var x = Logits(size, 1);
        var y = new float[size];
        Activations.Sigmoid(x, y);
        Reference.AssertClose(y, x.Select(v => Sigmoid(v)).ToArray(), Relative, 1e-30, "sigmoid");
    }

    [TestCaseSource(nameof(Cases))]
    public void LogSigmoid_MatchesReference(SimdPath path, int size)
    {
        using var _ = Reference.Force(path);
        var x = Logits(size, 2);
        var y = new float[size];
        Activations.LogSigmoid(x, y);
        Reference.AssertClose(y, x.Select(v => Math.Min(v, 0) - Math.Log(1 + Math.Exp(-Math.Abs((double)v)))).ToArray(), Relative, Absolute, "log-sigmoid");
    }

    [TestCaseSource(nameof(Cases))]
    public void ReluAndBackward_MatchReference(SimdPath path, int size)
    {
        using var _ = Reference.Force(path);
        var x = Reference.Random(size, 3);
        var g = Reference.Random(size, 4);
        var y = new float[size];
        var dx = new float[size];
        Activations.Relu(x, y);
        Activations.ReluBackward(y, g, dx);
        Reference.AssertClose(y, x.Select(v => Math.Max(0.0, v)).ToArray(), 0, 0, "relu");
        Reference.AssertClose(dx, x.Select((v, i) => v > 0 ? (double)g[i] : 0).ToArray(), 0, 0, "relu backward");
    }

    [TestCaseSource(nameof(Cases))]
    public void BinaryCrossEntropyWithLogits_MatchesReference(SimdPath path, int size)
    {
        using var _ = Reference.Force(path);
        var z = Logits(size, 5);
        var y = Reference.Random(size, 6).Select(v => v > 0 ? 1f : 0f).ToArray();
        var gradient = new float[size];
        double loss = Losses.BinaryCrossEntropyWithLogits(z, y, gradient);
        var perElement = z.Select((v, i) => Math.Max(v, 0) - (double)v * y[i] + Math.Log(1 + Math.Exp(-Math.Abs((double)v)))).ToArray();
        Assert.That(loss, Is.EqualTo(perElement.Sum()).Within(1e-5 * perElement.Sum(Math.Abs) + 1e-6), "summed loss");
        Reference.AssertClose(gradient, z.Select((v, i) => Sigmoid(v) - y[i]).ToArray(), Relative, Absolute, "BCE gradient");
    }

    [TestCaseSource(nameof(Cases))]
    public void SquaredError_MatchesReference(SimdPath path, int size)
    {
        using var _ = Reference.Force(path);
        var p = Reference.Random(size, 7, 5f);
        var y = Reference.Random(size, 8, 5f);
        var gradient = new float[size];
        double loss = Losses.SquaredError(p, y, gradient);
        double expected = p.Select((v, i) => Math.Pow((double)v - y[i], 2)).Sum();
        Assert.That(loss, Is.EqualTo(expected).Within(1e-5 * expected + 1e-6));
        Reference.AssertClose(gradient, p.Select((v, i) => 2.0 * ((double)v - y[i])).ToArray(), 1e-6, 1e-6, "squared-error gradient");
    }

    [TestCaseSource(nameof(Cases))]
    public void SoftmaxRows_MatchesReference(SimdPath path, int columns)
    {
        using var _ = Reference.Force(path);
        const int rows = 3;
        var x = Reference.Random(rows * columns, 9, 50f);
        var y = new float[x.Length];
        Softmax.Rows(x, y, rows, columns);
        var expected = new double[x.Length];
        for (int r = 0; r < rows; r++)
        {
            var row = x.Skip(r * columns).Take(columns).Select(v => (double)v).ToArray();
            double max = row.Max(), sum = row.Sum(v => Math.Exp(v - max));
            for (int j = 0; j < columns; j++)
                expected[r * columns + j] = Math.Exp(row[j] - max) / sum;
        }
        Reference.AssertClose(y, expected, 1e-5, 1e-9, "softmax");
    }

    [TestCaseSource(nameof(Cases))]
    public void ColumnSums_MatchReference(SimdPath path, int columns)
    {
        using var _ = Reference.Force(path);
        const int rows = 17;
        var x = Reference.Random(rows * columns, 10);
        var columnSums = Reference.Random(columns, 11);
        var start = (float[])columnSums.Clone();
        Reductions.ColumnSums(x, rows, columns, columnSums, accumulate: true);
        Reference.AssertClose(columnSums, Enumerable.Range(0, columns).Select(j => start[j] + Enumerable.Range(0, rows).Sum(i => (double)x[i * columns + j])).ToArray(), 1e-5, 1e-5, "column sums");
    }

    [TestCaseSource(nameof(Cases))]
    public void AddScaled_MatchesReference(SimdPath path, int size)
    {
        using var _ = Reference.Force(path);
        var x = Reference.Random(size, 12);
        var y = Reference.Random(size, 13);
        var expected = y.Select((v, i) => v + 0.75 * x[i]).ToArray();
        VectorOps.AddScaled(0.75f, x, y);
        Reference.AssertClose(y, expected, 1e-6, 1e-7, "axpy");
    }

    [TestCaseSource(nameof(Cases))]
    public void ScaleAndMultiply_MatchReference(SimdPath path, int size)
    {
        using var _ = Reference.Force(path);
        var x = Reference.Random(size, 14);
        var y = Reference.Random(size, 15);
        var product = new float[size];
        VectorOps.Multiply(x, y, product);
        Reference.AssertClose(product, x.Select((v, i) => (double)v * y[i]).ToArray(), 1e-7, 0, "multiply");
        var expected = x.Select(v => -1.5 * v).ToArray();
        VectorOps.Scale(-1.5f, x);
        Reference.AssertClose(x, expected, 1e-7, 0, "scale");
    }

    [Test]
    public void Kernels_RejectMismatchedLengths()
    {
        Assert.That(() => Activations.ReluBackward(new float[3], new float[4], new float[4]), Throws.ArgumentException);
        Assert.That(() => Activations.Sigmoid(new float[3], new float[2]), Throws.ArgumentException.With.Property("ParamName").EqualTo("destination"));
        Assert.That(() => Reductions.ColumnSums(new float[6], 2, 3, new float[2]), Throws.ArgumentException.With.Message.Contains("one per column"));
        Assert.That(() => VectorOps.AddScaled(1f, new float[3], new float[4]), Throws.ArgumentException);
        Assert.That(() => Softmax.Rows(new float[5], new float[6], 2, 3), Throws.ArgumentException);
    }
}

public class SoftmaxBackwardAndDotTests
{
    [TestCaseSource(typeof(Reference), nameof(Reference.Paths))]
    public void SoftmaxCrossEntropy_MatchesReference(SimdPath path)
    {
        using var _ = Reference.Force(path);
        const int rows = 5, classes = 17;
        var z = Reference.Random(rows * classes, 20, 10f);
        z[3] = 200f; // row 0: a logit far above the rest
        float[] labels = [0, 16, 3, 8, 11], weights = [1f, 0f, 2f, 0.5f, 1f];
        var gradient = new float[z.Length];
        double loss = Losses.SoftmaxCrossEntropy(z, labels, weights, gradient, rows, classes);
        double expected = 0;
        var expectedGradient = new double[z.Length];
        for (int r = 0; r < rows; r++)
        {
            var row = z.Skip(r * classes).Take(classes).Select(v => (double)v).ToArray();
            double max = row.Max(), logSum = max + Math.Log(row.Sum(v => Math.Exp(v - max)));
            expected += weights[r] * (logSum - row[(int)labels[r]]);
            for (int j = 0; j < classes; j++)
                expectedGradient[r * classes + j] = weights[r] * (Math.Exp(row[j] - logSum) - (j == labels[r] ? 1 : 0));
        }
        Assert.That(loss, Is.EqualTo(expected).Within(1e-4 * Math.Abs(expected) + 1e-4));
        Reference.AssertClose(gradient, expectedGradient, 1e-4, 1e-6, "softmax cross-entropy gradient");
    }

    private static IEnumerable<TestCaseData> Cases() =>
        from path in Reference.Paths from size in Reference.Sizes select new TestCaseData(path, size);

    [TestCaseSource(nameof(Cases))]
    public void Dot_MatchesReference(SimdPath path, int size)
    {
        using var _ = Reference.Force(path);
        var x = Reference.Random(size, 1);
        var y = Reference.Random(size, 2);
        double expected = x.Zip(y, (a, b) => (double)a * b).Sum();
        Assert.That(VectorOps.Dot(x, y), Is.EqualTo(expected).Within(1e-6 * size));
    }

    [TestCaseSource(nameof(Cases))]
    public void SoftmaxRowsBackward_MatchesTheJacobian(SimdPath path, int columns)
    {
        using var _ = Reference.Force(path);
        const int rows = 3;
        var z = Reference.Random(rows * columns, 3, 3f);
        var p = new float[z.Length];
        Softmax.Rows(z, p, rows, columns);
        var g = Reference.Random(rows * columns, 4);
        var dz = new float[z.Length];
        Softmax.RowsBackward(p, g, dz, rows, columns);
        var expected = new double[z.Length];
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < columns; i++)
            {
                double sum = 0;
                for (int j = 0; j < columns; j++) // ∂pⱼ/∂zᵢ = pⱼ(δᵢⱼ − pᵢ)
                    sum += g[r * columns + j] * (double)p[r * columns + j] * ((i == j ? 1 : 0) - (double)p[r * columns + i]);
                expected[r * columns + i] = sum;
            }
        Reference.AssertClose(dz, expected, 1e-4, 1e-6, "softmax backward");
    }
}
