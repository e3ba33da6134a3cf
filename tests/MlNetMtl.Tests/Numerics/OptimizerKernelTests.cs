using MlNetMtl.Numerics;

namespace MlNetMtl.Tests.Numerics;

public class OptimizerKernelTests
{
    private static IEnumerable<TestCaseData> Cases() =>
        from path in Reference.Paths from size in new[] { 1, 15, 33, 257 } select new TestCaseData(path, size);

    [TestCaseSource(nameof(Cases))]
    public void Adam_ThreeSteps_MatchDoubleReference(SimdPath path, int size)
    {
        using var _ = Reference.Force(path);
        const double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8, decay = 0.01;
        var w = Reference.Random(size, 1);
        var m = new float[size];
        var v = new float[size];
        double[] rw = w.Select(x => (double)x).ToArray(), rm = new double[size], rv = new double[size];
        for (int t = 1; t <= 3; t++)
        {
            var g = Reference.Random(size, 10 + t);
            OptimizerKernels.Adam(w, g, m, v, new AdamStep((float)lr, (float)b1, (float)b2, (float)eps, (float)decay, t));
            for (int i = 0; i < size; i++)
            {
                double gi = g[i] + decay * rw[i];
                rm[i] = b1 * rm[i] + (1 - b1) * gi;
                rv[i] = b2 * rv[i] + (1 - b2) * gi * gi;
                rw[i] -= lr / (1 - Math.Pow(b1, t)) * rm[i] / (Math.Sqrt(rv[i]) / Math.Sqrt(1 - Math.Pow(b2, t)) + eps);
            }
        }
        Reference.AssertClose(w, rw, 1e-5, 1e-6, "Adam weights");
    }

    [TestCaseSource(nameof(Cases))]
    public void Momentum_TwoSteps_MatchDoubleReference(SimdPath path, int size)
    {
        using var _ = Reference.Force(path);
        const double lr = 0.1, mu = 0.9, decay = 0.001;
        var w = Reference.Random(size, 2);
        var buffer = new float[size];
        double[] rw = w.Select(x => (double)x).ToArray(), rb = new double[size];
        for (int t = 1; t <= 2; t++)
        {
            var g = Reference.Random(size, 20 + t);
            OptimizerKernels.Momentum(w, g, buffer, (float)lr, (float)mu, (float)decay);
            for (int i = 0; i < size; i++)
            {
                rb[i] = mu * rb[i] + g[i] + decay * rw[i];
                rw[i] -= lr * rb[i];
            }
        }
        Reference.AssertClose(w, rw, 1e-5, 1e-6, "momentum weights");
    }

    [TestCaseSource(nameof(Cases))]
    public void RowWiseAdagrad_ThreeSteps_MatchDoubleReference(SimdPath path, int size)
    {
        using var _ = Reference.Force(path);
        const double lr = 0.05, eps = 1e-8, decay = 0.01;
        var w = Reference.Random(size, 3);
        float accumulator = 0;
        double[] rw = w.Select(x => (double)x).ToArray();
        double rs = 0;
        for (int t = 1; t <= 3; t++)
        {
            var g = Reference.Random(size, 30 + t);
            OptimizerKernels.RowWiseAdagrad(w, g, ref accumulator, (float)lr, (float)eps, (float)decay);
            var gi = g.Select((x, i) => x + decay * rw[i]).ToArray();
            rs += gi.Sum(x => x * x) / size;
            for (int i = 0; i < size; i++)
                rw[i] -= lr * gi[i] / (Math.Sqrt(rs) + eps);
        }
        Assert.That(accumulator, Is.EqualTo(rs).Within(1e-5 * rs), "the row's one accumulator");
        Reference.AssertClose(w, rw, 1e-5, 1e-6, "row-wise Adagrad weights");
    }
}
