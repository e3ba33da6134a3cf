using MlNetMtl.Training.Privacy;

namespace MlNetMtl.Tests.Training.Privacy;

/// <summary>
/// The accountant against published values: the test vectors of Google's dp_accounting (the RDP accountant TF Privacy uses),
/// python/dp_accounting/dp_accounting/rdp/rdp_privacy_accountant_test.py in github.com/google/differential-privacy at commit
/// 0b109e959470c43e9f177d5411603b70a56cdc7a — test_compute_rdp_poisson_sampled_gaussian, test_compute_epsilon_delta_pure_dp,
/// test_compute_epsilon_delta_gaussian and test_epsilon_delta_consistency's ranges.
/// </summary>
public class RdpAccountantTests
{
    [Test]
    public void PoissonSampledGaussian_MatchesDpAccountingsVector()
    {
        // q = 0.01, σ = 2.5, 50 steps; fractional, integer and infinite orders; dp_accounting checks rtol 1e-4. (Before 0.4.4,
        // whose fractional series sums magnitudes, as this one does, order 1.5 was 6.5007e-04: the signed series.)
        double[] orders = [1.5, 2.5, 5, 50, 100];
        double[] expected = [6.70579741e-04, 1.08548710e-03, 2.18075656e-03, 2.38460375e-02, 1.67416308e02];
        var accountant = new RdpAccountant(orders);
        accountant.Compose(0.01, 2.5, steps: 50);
        for (int i = 0; i < orders.Length; i++)
            Assert.That(accountant.Rdp[i], Is.EqualTo(expected[i]).Within(1e-4 * expected[i]), $"order {orders[i]}");
        Assert.That(RdpAccountant.SubsampledGaussian(0.01, 2.5, double.PositiveInfinity), Is.EqualTo(double.PositiveInfinity));
    }

    [Test]
    public void Conversion_OfConstantRdp_IsDpAccountingsPureDpValue()
    {
        // dp_accounting: RDP 1.1 at orders 2 … 32 (pure DP), δ = 1e-5 → ε = 1.32783806176 at order 32. The same RDP comes from
        // q = 1 and the σ with α/(2σ²) = 1.1 at order 32, the order that gives the minimum.
        var accountant = new RdpAccountant([32]);
        accountant.Compose(1, Math.Sqrt(32 / (2 * 1.1)));
        Assert.That(accountant.Rdp[0], Is.EqualTo(1.1).Within(1e-12));
        var (epsilon, order) = accountant.Epsilon(1e-5);
        Assert.That(epsilon, Is.EqualTo(1.32783806176).Within(1e-9));
        Assert.That(order, Is.EqualTo(32));
    }

    [Test]
    public void UnsampledGaussian_OfSigma4_53_IsOneEpsilonAtDelta1e6()
    {
        // dp_accounting: σ = 4.530877117 gives exactly (1, 1e-6)-DP with orders 1.000 … 99.999 by 0.001.
        var orders = Enumerable.Range(1000, 99_000).Select(i => 0.001 * i).Where(a => a > 1).ToArray();
        double epsilon = RdpAccountant.EpsilonFor(1, 4.530877117, 1, 1e-6, orders);
        Assert.That(epsilon, Is.EqualTo(1).Within(1e-6));
    }

    [Test]
    public void NoiseSolver_RoundTrips_AndEpsilonFallsWithNoise()
    {
        foreach (double target in new[] { 1.0, 3.0, 8.0 })
        {
            double sigma = RdpAccountant.NoiseMultiplierFor(target, 1e-6, samplingRate: 256.0 / 60_000, steps: 20 * 60_000 / 256);
            double spent = RdpAccountant.EpsilonFor(256.0 / 60_000, sigma, 20 * 60_000 / 256, 1e-6);
            TestContext.Out.WriteLine($"ε {target}: σ {sigma:F4}, spent {spent:F4}");
            Assert.That(spent, Is.LessThanOrEqualTo(target).And.GreaterThan(target * 0.99), $"target ε {target}");
        }
        Assert.That(RdpAccountant.EpsilonFor(0.01, 2, 1000, 1e-5), Is.LessThan(RdpAccountant.EpsilonFor(0.01, 1, 1000, 1e-5)));
        Assert.That(RdpAccountant.EpsilonFor(0, 1, 1000, 1e-5), Is.Zero, "nothing sampled, nothing spent");
    }

    [Test]
    public void BadArguments_AreNamed()
    {
        Assert.That(() => RdpAccountant.NoiseMultiplierFor(0, 1e-5, 0.01, 100), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("targetEpsilon"));
        Assert.That(() => RdpAccountant.EpsilonFor(0.01, 1, 100, 1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("delta"));
        Assert.That(() => RdpAccountant.EpsilonFor(1.5, 1, 100, 1e-5), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("samplingRate"));
        Assert.That(() => RdpAccountant.EpsilonFor(0.1, -1, 100, 1e-5), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("noiseMultiplier"));
        Assert.That(() => new RdpAccountant([1.0]), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("orders"));
    }
}
