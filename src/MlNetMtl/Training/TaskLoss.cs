using MlNetMtl.Data;
using MlNetMtl.Numerics;

namespace MlNetMtl.Training;

/// <summary>The loss of each task kind on the network's raw outputs.</summary>
internal static class TaskLoss
{
    /// <summary>Returns Σ wᵢ·ℓᵢ over the rows and writes wᵢ·∂ℓᵢ/∂outputᵢ per row (rows with weight 0 contribute nothing).</summary>
    public static double Evaluate(TaskKind kind, ReadOnlySpan<float> outputs, ReadOnlySpan<float> labels, ReadOnlySpan<float> weights, Span<float> gradient) => kind switch
    {
        TaskKind.Binary => Losses.BinaryCrossEntropyWithLogits(outputs, labels, weights, gradient),
        TaskKind.Regression => Losses.SquaredError(outputs, labels, weights, gradient),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown task kind."),
    };
}
