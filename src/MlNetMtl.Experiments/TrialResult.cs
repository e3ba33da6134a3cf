using MlNetMtl.MLNet;
using MlNetMtl.MLNet.Evaluation;

namespace MlNetMtl.Experiments;

/// <summary>How a trial ended.</summary>
public enum TrialStatus
{
    /// <summary>Trained and scored.</summary>
    Completed,
    /// <summary>Stopped by the time budget before it finished; not scored.</summary>
    OutOfTime,
    /// <summary>Training failed (e.g. diverged); the error is kept.</summary>
    Failed,
}

/// <summary>One trial of an experiment.</summary>
/// <param name="Number">1-based, in the order run.</param>
/// <param name="Settings">What was trained.</param>
/// <param name="Status">How it ended.</param>
/// <param name="Score">The experiment metric on the validation rows (NaN unless completed).</param>
/// <param name="Validation">Every task's validation metrics (null unless completed).</param>
/// <param name="Elapsed">Training and scoring time.</param>
/// <param name="Model">The trained model (null unless completed, and once dropped to bound memory).</param>
/// <param name="Error">Why it failed, or null.</param>
public sealed record TrialResult(int Number, TrainerRecipe Settings, TrialStatus Status, double Score, MultiTaskMetrics? Validation, TimeSpan Elapsed,
    MultiTaskTransformer? Model, string? Error = null)
{
    /// <summary>Epochs trained (0 unless completed); kept when the model is dropped.</summary>
    public int Epochs { get; init; } = Model?.TrainingHistory.Count ?? 0;
}
