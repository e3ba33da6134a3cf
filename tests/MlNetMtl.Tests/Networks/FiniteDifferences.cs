namespace MlNetMtl.Tests.Networks;

/// <summary>
/// Central finite differences on float networks. With h = 1e-3 and a loss of order 1 computed in float
/// (relative rounding ≈ 1e-7), the difference quotient carries ≈ 1e-7/1e-3 = 1e-4 of rounding noise and
/// O(h²) truncation error, so analytic and numeric gradients must agree to 2e-2 relative plus 5e-4 absolute.
/// A sign error, a missing term or a transposed index exceeds this by orders of magnitude. Weights near a
/// ReLU kink could break the check; the inputs and seeds are fixed, so the test is deterministic.
/// </summary>
internal static class FiniteDifferences
{
    public const float Step = 1e-3f;
    public const double Relative = 2e-2, Absolute = 5e-4;

    /// <summary>Checks <paramref name="analytic"/>[i] against the numeric derivative of <paramref name="loss"/> in <paramref name="values"/>[i] for sampled i.</summary>
    public static void Check(string what, float[] values, float[] analytic, Func<double> loss, int samples = 12, int seed = 0)
    {
        var random = new Random(seed);
        var indices = values.Length <= samples ? Enumerable.Range(0, values.Length) : Enumerable.Range(0, samples).Select(_ => random.Next(values.Length));
        foreach (int i in indices.Distinct())
        {
            float original = values[i];
            values[i] = original + Step;
            double plus = loss();
            values[i] = original - Step;
            double minus = loss();
            values[i] = original;
            double numeric = (plus - minus) / (2 * Step);
            double error = Math.Abs(numeric - analytic[i]);
            Assert.That(error, Is.LessThanOrEqualTo(Absolute + Relative * Math.Max(Math.Abs(numeric), Math.Abs(analytic[i]))),
                $"{what}[{i}]: analytic {analytic[i]:G6}, numeric {numeric:G6}");
        }
    }
}
