namespace MlNetMtl.Training;

/// <summary>What one epoch of training achieved.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainingLoss">Mean loss per task over the epoch's mini-batches (BCE for binary, MSE for regression).</param>
/// <param name="ValidationLoss">Mean loss per task on the validation rows after the epoch; empty without validation.</param>
/// <param name="MeanValidationLoss">The early-stopping criterion: validation losses averaged with the tasks' loss weights; NaN without validation.</param>
/// <param name="Elapsed">Wall time of the epoch, validation included.</param>
/// <param name="TaskWeights">The loss-weighting strategy's multiplier of each task, averaged over the epoch's mini-batches (1 with fixed weights).</param>
/// <param name="ValidationMetric">The early-stopping task's validation metric (AUC, RMSE or loss); NaN when early stopping uses the mean loss.</param>
public sealed record EpochReport(int Epoch, IReadOnlyList<double> TrainingLoss, IReadOnlyList<double> ValidationLoss, double MeanValidationLoss, TimeSpan Elapsed,
    IReadOnlyList<double> TaskWeights, double ValidationMetric = double.NaN)
{
    /// <summary>With DP-SGD, the privacy spent by the end of this epoch; null otherwise.</summary>
    public Privacy.PrivacyGuarantee? Privacy { get; init; }
}
