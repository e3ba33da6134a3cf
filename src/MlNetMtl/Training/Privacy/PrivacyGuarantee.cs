namespace MlNetMtl.Training.Privacy;

/// <summary>
/// The (ε, δ) differential-privacy guarantee of a DP-SGD run after <see cref="Steps"/> steps, with what it was computed from.
/// ε is the Rényi accountant's (<see cref="RdpAccountant"/>) for the Poisson-subsampled Gaussian mechanism; it covers the
/// model's weights (and anything computed from them alone), with respect to one <see cref="Unit"/> of the training data.
/// </summary>
/// <param name="Epsilon">ε after <see cref="Steps"/> steps.</param>
/// <param name="Delta">δ.</param>
/// <param name="NoiseMultiplier">σ: the noise's deviation is σ·C.</param>
/// <param name="SamplingRate">q, the probability that a unit joins a step.</param>
/// <param name="Steps">Steps taken.</param>
/// <param name="ClipNorm">C, the bound on one unit's gradient norm.</param>
/// <param name="Unit">What the guarantee protects: <c>example</c> or <c>user:COLUMN</c>.</param>
/// <param name="Units">Rows or users sampled from.</param>
public sealed record PrivacyGuarantee(double Epsilon, double Delta, double NoiseMultiplier, double SamplingRate, long Steps, float ClipNorm, string Unit, int Units)
{
    /// <summary>The guarantee after <paramref name="steps"/> steps of this run.</summary>
    public PrivacyGuarantee After(long steps) => this with
    {
        Steps = steps,
        Epsilon = steps == 0 ? 0 : NoiseMultiplier == 0 ? double.PositiveInfinity : RdpAccountant.EpsilonFor(SamplingRate, NoiseMultiplier, steps, Delta),
    };

    /// <summary>
    /// The plan of a run over <paramref name="units"/> units in <paramref name="rows"/> rows: q = min(1, batch size / rows) (a step
    /// holds a batch's rows on average), ⌈1/q⌉ steps an epoch, δ as given or 1/(10·units), and σ as given or solved so that every
    /// planned step together spends the target ε (stopping early spends less; the guarantee reports what was spent).
    /// </summary>
    /// <exception cref="ArgumentException">δ is not below 1/units, or no σ reaches the target ε.</exception>
    internal static PrivacyGuarantee Plan(PrivacyOptions options, int units, long rows, int batchSize, int epochs)
    {
        double delta = options.Delta ?? 1.0 / (10.0 * units);
        if (delta >= 1.0 / units)
            throw new ArgumentOutOfRangeException($"{nameof(TrainerOptions.Privacy)}.{nameof(options.Delta)}", delta,
                $"δ ({delta:G3}) must be below 1/{units} (one over the {(options.UserColumn is null ? "training rows" : "users")}): a δ that large allows publishing one of them outright.");
        double q = Math.Min(1.0, (double)batchSize / rows);
        long steps = epochs * StepsPerEpoch(q);
        double sigma = options.NoiseMultiplier ?? RdpAccountant.NoiseMultiplierFor(options.Epsilon!.Value, delta, q, steps);
        return new PrivacyGuarantee(0, delta, sigma, q, 0, options.ClipNorm, options.UserColumn is null ? "example" : $"user:{options.UserColumn}", units).After(steps);
    }

    /// <summary>Steps in an epoch at sampling rate q: ⌈1/q⌉, so an epoch samples each unit once on average.</summary>
    internal static long StepsPerEpoch(double samplingRate) => (long)Math.Ceiling(1 / samplingRate - 1e-9);
}
