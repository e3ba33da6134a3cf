namespace MlNetMtl.Tests.Networks;

/// <summary>
/// Central finite differences on float networks. With step h and a loss of order 1 computed in float (relative
/// rounding ≈ 1e-7), the difference quotient carries ≈ 1e-7/h of rounding noise plus O(h²) truncation error;
/// analytic and numeric gradients must agree to 2e-2 relative plus 5e-4 absolute. Two steps are tried, 1e-3 and
/// 2e-4: a ReLU kink lying within h of a pre-activation bends the quotient at the larger step, rounding noise
/// blurs it at the smaller; a kink within 2e-4 bends both central quotients (they average the slopes on its two
/// sides), so the one-sided quotients at 2e-4 are tried too — the analytic gradient is the slope of one side. A wrong
/// gradient (sign, missing term, transposed index) fails them all by orders of magnitude. Inputs and seeds are fixed,
/// so the test is deterministic.
/// </summary>
internal static class FiniteDifferences
{
    private static readonly float[] Steps = [1e-3f, 2e-4f];
    public const double Relative = 2e-2, Absolute = 5e-4;

    /// <summary>Checks <paramref name="analytic"/>[i] against the numeric derivative of <paramref name="loss"/> in <paramref name="values"/>[i] for sampled i.</summary>
    public static void Check(string what, float[] values, float[] analytic, Func<double> loss, int samples = 12, int seed = 0)
    {
        var random = new Random(seed);
        var indices = values.Length <= samples ? Enumerable.Range(0, values.Length) : Enumerable.Range(0, samples).Select(_ => random.Next(values.Length));
        foreach (int i in indices.Distinct())
        {
            var numerics = Steps.Select(step => Numeric(values, i, step, loss)).Concat(OneSided(values, i, Steps[^1], loss)).ToArray();
            bool agrees = numerics.Any(numeric => Math.Abs(numeric - analytic[i]) <= Absolute + Relative * Math.Max(Math.Abs(numeric), Math.Abs(analytic[i])));
            Assert.That(agrees, Is.True, $"{what}[{i}]: analytic {analytic[i]:G6}, numeric {string.Join(" / ", numerics.Select(n => n.ToString("G6")))} (central at {string.Join(" / ", Steps)}, then right / left at {Steps[^1]})");
        }
    }

    /// <summary>The right and left difference quotients at <paramref name="step"/>.</summary>
    private static double[] OneSided(float[] values, int i, float step, Func<double> loss)
    {
        float original = values[i];
        double at = loss();
        values[i] = original + step;
        double plus = loss();
        values[i] = original - step;
        double minus = loss();
        values[i] = original;
        return [(plus - at) / step, (at - minus) / step];
    }

    private static double Numeric(float[] values, int i, float step, Func<double> loss)
    {
        float original = values[i];
        values[i] = original + step;
        double plus = loss();
        values[i] = original - step;
        double minus = loss();
        values[i] = original;
        return (plus - minus) / (2 * step);
    }
}
