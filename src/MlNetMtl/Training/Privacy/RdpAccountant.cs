using MathNet.Numerics;

namespace MlNetMtl.Training.Privacy;

/// <summary>
/// Rényi-DP accounting of DP-SGD: each step is the Poisson-subsampled Gaussian mechanism (rows sampled at rate q, Gaussian
/// noise of σ times the clipping norm), whose RDP at order α is log(A_α)/(α − 1) (Mironov, Talwar, Zhang 2019: A_α as a
/// finite binomial sum for integer α, as two converging series for fractional α); steps compose by adding RDP order by order,
/// and the (ε, δ) guarantee is the best over the orders of the conversion of Balle et al. (2020),
/// ε = RDP(α) + log(1 − 1/α) − log(δ·α)/(α − 1), as TF Privacy and Opacus compute it today. Add-or-remove-one neighbours.
/// </summary>
public sealed class RdpAccountant
{
    private readonly double[] _orders;
    private readonly double[] _rdp;

    /// <summary>Opacus's default orders, 1.1 … 10.9 by 0.1 and 12 … 63, with 128, 256 and 512 for small ε at large σ.</summary>
    public static IReadOnlyList<double> DefaultOrders { get; } =
        [.. Enumerable.Range(1, 99).Select(x => 1 + x / 10.0), .. Enumerable.Range(12, 52).Select(x => (double)x), 128, 256, 512];

    /// <summary>An accountant over <paramref name="orders"/> (each &gt; 1; default <see cref="DefaultOrders"/>) that has spent nothing yet.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An order is not above 1.</exception>
    public RdpAccountant(IReadOnlyList<double>? orders = null)
    {
        _orders = (orders ?? DefaultOrders).ToArray();
        if (_orders.Length == 0 || _orders.Any(a => !(a > 1)))
            throw new ArgumentOutOfRangeException(nameof(orders), "RDP orders must be above 1.");
        _rdp = new double[_orders.Length];
    }

    /// <summary>The orders, and the RDP spent at each so far.</summary>
    public IReadOnlyList<double> Orders => _orders;
    /// <summary>The RDP spent at each of <see cref="Orders"/>.</summary>
    public IReadOnlyList<double> Rdp => _rdp;

    /// <summary>Adds <paramref name="steps"/> steps of the Gaussian mechanism with noise multiplier σ on rows sampled at rate q.</summary>
    /// <exception cref="ArgumentOutOfRangeException">q is outside [0, 1], σ is negative, or the steps are negative (the argument is named).</exception>
    public void Compose(double samplingRate, double noiseMultiplier, long steps = 1)
    {
        Check(samplingRate, noiseMultiplier, steps);
        for (int i = 0; i < _orders.Length; i++)
            _rdp[i] += steps == 0 ? 0 : steps * SubsampledGaussian(samplingRate, noiseMultiplier, _orders[i]);
    }

    /// <summary>The smallest ε over the orders for which the spending so far is (ε, δ)-DP, and the order that gives it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">δ is not in (0, 1).</exception>
    public (double Epsilon, double Order) Epsilon(double delta)
    {
        if (!(delta > 0 && delta < 1))
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "δ must be in (0, 1).");
        double best = double.PositiveInfinity, order = double.NaN;
        for (int i = 0; i < _orders.Length; i++)
        {
            double a = _orders[i], r = _rdp[i];
            // When δ² ≥ 1 − e^(−r) the guarantee is ε = 0 at this order (Balle et al. 2020, Proposition 12).
            double epsilon = delta * delta + SpecialFunctions.Expm1(-r) >= 0 ? 0 : r + Math.Log(1 - 1 / a) - Math.Log(delta * a) / (a - 1);
            if (epsilon < best)
                (best, order) = (epsilon, a);
        }
        return (Math.Max(0, best), order);
    }

    /// <summary>ε after <paramref name="steps"/> steps at rate q and noise σ, for δ.</summary>
    public static double EpsilonFor(double samplingRate, double noiseMultiplier, long steps, double delta, IReadOnlyList<double>? orders = null)
    {
        var accountant = new RdpAccountant(orders);
        accountant.Compose(samplingRate, noiseMultiplier, steps);
        return accountant.Epsilon(delta).Epsilon;
    }

    /// <summary>
    /// The smallest noise multiplier σ (to a relative 1e-4) for which <paramref name="steps"/> steps at rate q spend at most
    /// <paramref name="targetEpsilon"/> for δ: ε falls as σ grows, so a bracket is doubled until it holds the target, then bisected.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">ε is not positive, δ is not in (0, 1), q is not in (0, 1], or the steps are not positive.</exception>
    public static double NoiseMultiplierFor(double targetEpsilon, double delta, double samplingRate, long steps, IReadOnlyList<double>? orders = null)
    {
        if (!(targetEpsilon > 0 && double.IsFinite(targetEpsilon)))
            throw new ArgumentOutOfRangeException(nameof(targetEpsilon), targetEpsilon, "The target ε must be a positive number.");
        if (!(samplingRate > 0 && samplingRate <= 1))
            throw new ArgumentOutOfRangeException(nameof(samplingRate), samplingRate, "The sampling rate q must be in (0, 1].");
        if (steps <= 0)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, "The number of steps must be positive.");
        double low = 0, high = 1;
        while (EpsilonFor(samplingRate, high, steps, delta, orders) > targetEpsilon)
        {
            (low, high) = (high, high * 2);
            if (high > 1e6)
                throw new ArgumentOutOfRangeException(nameof(targetEpsilon), targetEpsilon, $"No noise multiplier up to 10⁶ reaches ε = {targetEpsilon} at δ = {delta}.");
        }
        while (high - low > 1e-4 * high)
        {
            double middle = (low + high) / 2;
            if (EpsilonFor(samplingRate, middle, steps, delta, orders) > targetEpsilon)
                low = middle;
            else
                high = middle;
        }
        return high;
    }

    /// <summary>RDP of one step of the Poisson-subsampled Gaussian mechanism at order α: log(A_α)/(α − 1).</summary>
    internal static double SubsampledGaussian(double q, double sigma, double alpha)
    {
        if (q == 0)
            return 0;
        if (sigma == 0 || double.IsPositiveInfinity(alpha))
            return double.PositiveInfinity;
        if (q == 1)
            return alpha / (2 * sigma * sigma);
        double logA = alpha == Math.Floor(alpha) ? LogAInteger(q, sigma, (int)alpha) : LogAFractional(q, sigma, alpha);
        return logA / (alpha - 1);
    }

    /// <summary>A_α = Σ_{k=0}^{α} C(α, k) (1 − q)^{α−k} q^k exp((k² − k)/(2σ²)), in log space.</summary>
    private static double LogAInteger(double q, double sigma, int alpha)
    {
        double logA = double.NegativeInfinity;
        for (int k = 0; k <= alpha; k++)
        {
            double term = SpecialFunctions.BinomialLn(alpha, k) + k * Math.Log(q) + (alpha - k) * Math.Log(1 - q) + (k * (double)k - k) / (2 * sigma * sigma);
            logA = LogAdd(logA, term);
        }
        return logA;
    }

    /// <summary>
    /// A_α for fractional α from the two series of Mironov et al. (2019, §3.3), split at z₀ = σ² log(1/q − 1) + ½: terms
    /// |C(α, i)| q^i (1 − q)^(α−i) e^((i² − i)/(2σ²)) · ½ erfc((i − z₀)/(√2 σ)) and their mirror with j = α − i, summed until
    /// both fall below e^−30. C(α, i) changes sign once i passes α; like dp_accounting since 0.4.4, the magnitudes are summed,
    /// an upper bound on A_α (so on ε) that cannot lose its precision to cancellation the way the signed series can.
    /// </summary>
    private static double LogAFractional(double q, double sigma, double alpha)
    {
        double logA0 = double.NegativeInfinity, logA1 = double.NegativeInfinity;
        double z0 = sigma * sigma * Math.Log(1 / q - 1) + 0.5;
        double logBinomial = 0; // log |C(α, i)|, built up term by term
        for (int i = 0; ; i++)
        {
            if (i > 0)
                logBinomial += Math.Log(Math.Abs((alpha - i + 1) / i));
            double j = alpha - i;
            double logT0 = logBinomial + i * Math.Log(q) + j * Math.Log(1 - q);
            double logT1 = logBinomial + j * Math.Log(q) + i * Math.Log(1 - q);
            double logE0 = Math.Log(0.5) + LogErfc((i - z0) / (Math.Sqrt(2) * sigma));
            double logE1 = Math.Log(0.5) + LogErfc((z0 - j) / (Math.Sqrt(2) * sigma));
            double logS0 = logT0 + (i * (double)i - i) / (2 * sigma * sigma) + logE0;
            double logS1 = logT1 + (j * j - j) / (2 * sigma * sigma) + logE1;
            logA0 = LogAdd(logA0, logS0);
            logA1 = LogAdd(logA1, logS1);
            if (Math.Max(logS0, logS1) < -30 && i > alpha)
                break;
        }
        return LogAdd(logA0, logA1);
    }

    /// <summary>log erfc(x), with the asymptotic series where erfc underflows.</summary>
    private static double LogErfc(double x)
    {
        if (x < 25)
            return Math.Log(SpecialFunctions.Erfc(x));
        double x2 = x * x;
        return -x2 - Math.Log(x) - 0.5 * Math.Log(Math.PI) + Math.Log(1 - 1 / (2 * x2) + 3 / (4 * x2 * x2) - 15 / (8 * x2 * x2 * x2));
    }

    private static double LogAdd(double a, double b)
    {
        double high = Math.Max(a, b), low = Math.Min(a, b);
        return double.IsNegativeInfinity(low) ? high : high + SpecialFunctions.Log1p(Math.Exp(low - high));
    }

    private static void Check(double samplingRate, double noiseMultiplier, long steps)
    {
        if (!(samplingRate >= 0 && samplingRate <= 1))
            throw new ArgumentOutOfRangeException(nameof(samplingRate), samplingRate, "The sampling rate q must be in [0, 1].");
        if (!(noiseMultiplier >= 0) || double.IsPositiveInfinity(noiseMultiplier))
            throw new ArgumentOutOfRangeException(nameof(noiseMultiplier), noiseMultiplier, "The noise multiplier σ must be a number ≥ 0.");
        if (steps < 0)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, "The number of steps must be ≥ 0.");
    }
}
