using MlNetMtl.Data;

namespace MlNetMtl.Training;

/// <summary>A task's loss on the network's raw outputs: its kind's, or the focal loss its imbalance settings ask for.</summary>
internal static class TaskLoss
{
    /// <summary>
    /// Returns Σᵢ wᵢ·ℓᵢ over the rows and writes wᵢ·∂ℓᵢ/∂output per output (rows × the task's output width; rows with
    /// weight 0 contribute nothing).
    /// </summary>
    public static double Evaluate(TaskDefinition task, ReadOnlySpan<float> outputs, ReadOnlySpan<float> labels, ReadOnlySpan<float> weights, Span<float> gradient,
        TaskImbalance? imbalance = null) =>
        imbalance is { UsesFocalLoss: true } // imbalance settings are checked to be on binary tasks only
            ? FocalLoss.Evaluate(outputs, labels, weights, gradient, imbalance.FocalGamma, imbalance.FocalAlpha)
            : task.Kind.Loss(outputs, labels, weights, gradient, task.ClassCount);
}
