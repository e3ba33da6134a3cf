namespace MlNetMtl.Training;

/// <summary>
/// How a binary task with rare positives is trained. Options combine: positive-class weighting, focal loss, and
/// negative downsampling with the logit correction that keeps predicted probabilities calibrated.
/// </summary>
public sealed class TaskImbalance
{
    /// <summary>Weight of each positive row in the task's loss (negatives weigh 1). Default 1.</summary>
    public float PositiveWeight { get; init; } = 1f;

    /// <summary>When true, the positive weight is (1 − π)/π for the training positive rate π, balancing the classes. Default false.</summary>
    public bool AutoPositiveWeight { get; init; }

    /// <summary>
    /// Focal loss γ (Lin et al., ICCV 2017): FL = −αₜ(1 − pₜ)^γ·log pₜ with pₜ the probability of the true class;
    /// γ = 0 is cross-entropy. Easy, well-classified rows weigh less. Default 0.
    /// </summary>
    public float FocalGamma { get; init; }

    /// <summary>Focal loss α: αₜ = α for positives and 1 − α for negatives; null leaves both classes at 1. Default null.</summary>
    public float? FocalAlpha { get; init; }

    /// <summary>
    /// Fraction r of the negative rows kept in each epoch (a fresh random draw per mini-batch); 1 keeps all. Training on
    /// a fraction r of the negatives multiplies the odds by 1/r, so after training the task's logit is shifted by
    /// log r: p = p′·r / (p′·r + 1 − p′), i.e. logit(p) = logit(p′) + log r. Default 1.
    /// </summary>
    public float NegativeSampleRate { get; init; } = 1f;

    internal void Validate(string task)
    {
        if (!(PositiveWeight > 0 && float.IsFinite(PositiveWeight)))
            throw new ArgumentOutOfRangeException(nameof(PositiveWeight), PositiveWeight, $"Task '{task}': PositiveWeight must be finite and > 0.");
        if (!(FocalGamma >= 0 && float.IsFinite(FocalGamma)))
            throw new ArgumentOutOfRangeException(nameof(FocalGamma), FocalGamma, $"Task '{task}': FocalGamma must be finite and ≥ 0.");
        if (FocalAlpha is { } alpha && !(alpha > 0 && alpha < 1))
            throw new ArgumentOutOfRangeException(nameof(FocalAlpha), alpha, $"Task '{task}': FocalAlpha must be in (0, 1).");
        if (!(NegativeSampleRate > 0 && NegativeSampleRate <= 1))
            throw new ArgumentOutOfRangeException(nameof(NegativeSampleRate), NegativeSampleRate, $"Task '{task}': NegativeSampleRate must be in (0, 1].");
    }

    internal bool UsesFocalLoss => FocalGamma > 0 || FocalAlpha is not null;
}
