using MlNetMtl.Settings;

namespace MlNetMtl.Training;

/// <summary>How the learning rate decays after warm-up.</summary>
public enum LearningRateDecay
{
    /// <summary>The base rate throughout. The default.</summary>
    Constant,
    /// <summary>The base rate times <see cref="LearningRateSchedule.StepFactor"/> every <see cref="LearningRateSchedule.StepEpochs"/> epochs.</summary>
    Step,
    /// <summary>Half a cosine from the base rate down to 0 over the remaining steps of the run.</summary>
    Cosine,
}

/// <summary>
/// The learning rate at each optimizer step: linear warm-up from 0 over <see cref="WarmupSteps"/>, then
/// <see cref="Decay"/>. The defaults keep the rate constant.
/// </summary>
/// <remarks>The search keeps the schedule constant: its trials are short, and a schedule is tuned for a known run length.</remarks>
public sealed record LearningRateSchedule
{
    private const string ConstantInTheSearch = "trials are short and a schedule is tuned for a known run length";

    /// <summary>Steps over which the rate rises linearly from 0 to the base rate. Default 0 (no warm-up).</summary>
    [Setting("warmup-steps", NotSearched = ConstantInTheSearch)]
    public int WarmupSteps { get; init; }

    /// <summary>What follows warm-up. Default <see cref="LearningRateDecay.Constant"/>.</summary>
    [Setting("decay", NotSearched = ConstantInTheSearch)]
    public LearningRateDecay Decay { get; init; } = LearningRateDecay.Constant;

    /// <summary>For <see cref="LearningRateDecay.Step"/>: epochs between reductions. Default 10.</summary>
    [Setting("step-epochs", NotSearched = ConstantInTheSearch)]
    public int StepEpochs { get; init; } = 10;

    /// <summary>For <see cref="LearningRateDecay.Step"/>: the factor of each reduction. Default 0.1.</summary>
    [Setting("step-factor", NotSearched = ConstantInTheSearch)]
    public float StepFactor { get; init; } = 0.1f;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(WarmupSteps, nameof(WarmupSteps));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(StepEpochs, nameof(StepEpochs));
        if (!(StepFactor > 0 && StepFactor <= 1))
            throw new ArgumentOutOfRangeException(nameof(StepFactor), StepFactor, "StepFactor must be in (0, 1].");
        if (!Enum.IsDefined(Decay))
            throw new ArgumentOutOfRangeException(nameof(Decay), Decay, "Unknown decay.");
    }

    /// <summary>The rate of 0-based step <paramref name="step"/> in 1-based <paramref name="epoch"/> of a run of <paramref name="totalSteps"/> steps.</summary>
    public float At(long step, int epoch, long totalSteps, float baseRate)
    {
        if (step < WarmupSteps)
            return baseRate * (step + 1) / WarmupSteps;
        return Decay switch
        {
            LearningRateDecay.Step => baseRate * MathF.Pow(StepFactor, (epoch - 1) / StepEpochs),
            LearningRateDecay.Cosine => (float)(baseRate * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1.0, (double)(step - WarmupSteps) / Math.Max(1, totalSteps - WarmupSteps))))),
            _ => baseRate,
        };
    }
}
