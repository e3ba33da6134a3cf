using MlNetMtl.Data;
using MlNetMtl.Numerics;

namespace MlNetMtl.Training;

/// <summary>The loss of each task kind on the network's raw outputs.</summary>
internal static class TaskLoss
{
    /// <summary>
    /// Returns Σᵢ wᵢ·ℓᵢ over the rows and writes wᵢ·∂ℓᵢ/∂output per output (rows × the task's output width; rows with
    /// weight 0 contribute nothing).
    /// </summary>
    public static double Evaluate(TaskDefinition task, ReadOnlySpan<float> outputs, ReadOnlySpan<float> labels, ReadOnlySpan<float> weights, Span<float> gradient,
        TaskImbalance? imbalance = null) => task.Kind switch
        {
            TaskKind.Binary when imbalance is { UsesFocalLoss: true } => FocalLoss.Evaluate(outputs, labels, weights, gradient, imbalance.FocalGamma, imbalance.FocalAlpha),
            TaskKind.Binary => Losses.BinaryCrossEntropyWithLogits(outputs, labels, weights, gradient),
            TaskKind.Regression => Losses.SquaredError(outputs, labels, weights, gradient),
            TaskKind.Multiclass => Losses.SoftmaxCrossEntropy(outputs, labels, weights, gradient, labels.Length, task.ClassCount),
            _ => throw new ArgumentOutOfRangeException(nameof(task), task.Kind, "Unknown task kind."),
        };
}
