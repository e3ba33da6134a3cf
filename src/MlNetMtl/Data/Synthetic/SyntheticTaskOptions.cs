namespace MlNetMtl.Data.Synthetic;

/// <summary>
/// Settings of the MMoE paper's synthetic two-task generator (Ma et al. 2018, §4.1), whose task correlation
/// is controlled exactly. Defaults are the MMoE paper's.
/// </summary>
public sealed class SyntheticTaskOptions
{
    /// <summary>Input dimension d. Default 100 (the PLE paper uses 512).</summary>
    public int Dimension { get; init; } = 100;

    /// <summary>Task correlation p = cos(w₁, w₂), in [−1, 1]. Default 0.9.</summary>
    public double Correlation { get; init; } = 0.9;

    /// <summary>Number m of sine terms. Default 10.</summary>
    public int SineTerms { get; init; } = 10;

    /// <summary>Scale c of the task weight vectors. Default 1.</summary>
    public double Scale { get; init; } = 1.0;

    /// <summary>Standard deviation of the label noise ε. Default 0.01.</summary>
    public double NoiseStdDev { get; init; } = 0.01;

    /// <summary>Regression keeps y; binary thresholds it (see <see cref="ThresholdQuantile"/>); multiclass cuts it into <see cref="ClassCount"/> classes. Default regression.</summary>
    public TaskKind Kind { get; init; } = TaskKind.Regression;

    /// <summary>
    /// For binary tasks: y is thresholded at this quantile of its distribution, so 1 − q of the rows are
    /// positive. Default 0.5 (the median).
    /// </summary>
    public double ThresholdQuantile { get; init; } = 0.5;

    /// <summary>For multiclass tasks: the number of classes k, cut at the 1/k … (k−1)/k quantiles of y so the classes are equally frequent. Default 3.</summary>
    public int ClassCount { get; init; } = 3;

    /// <summary>Seed of the task weights and sine parameters (the data rows have their own seed). Default 1.</summary>
    public int Seed { get; init; } = 1;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Dimension, 2, nameof(Dimension));
        ArgumentOutOfRangeException.ThrowIfNegative(SineTerms, nameof(SineTerms));
        if (!(Correlation >= -1 && Correlation <= 1))
            throw new ArgumentOutOfRangeException(nameof(Correlation), Correlation, "Correlation must be in [-1, 1].");
        if (!(Scale > 0 && double.IsFinite(Scale)))
            throw new ArgumentOutOfRangeException(nameof(Scale), Scale, "Scale must be finite and > 0.");
        if (!(NoiseStdDev >= 0 && double.IsFinite(NoiseStdDev)))
            throw new ArgumentOutOfRangeException(nameof(NoiseStdDev), NoiseStdDev, "NoiseStdDev must be finite and ≥ 0.");
        if (!(ThresholdQuantile > 0 && ThresholdQuantile < 1))
            throw new ArgumentOutOfRangeException(nameof(ThresholdQuantile), ThresholdQuantile, "ThresholdQuantile must be in (0, 1).");
        ArgumentNullException.ThrowIfNull(Kind, nameof(Kind));
        if (Kind.HasClasses && ClassCount is < 2 or > 100)
            throw new ArgumentOutOfRangeException(nameof(ClassCount), ClassCount, "ClassCount must be between 2 and 100.");
    }
}
