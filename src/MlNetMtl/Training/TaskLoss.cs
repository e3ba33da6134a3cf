using MlNetMtl.Data;
using MlNetMtl.Numerics;

namespace MlNetMtl.Training;

/// <summary>The loss of each task kind on the network's raw outputs.</summary>
internal static class TaskLoss
{
    /// <summary>Returns the summed loss of the rows and writes d(loss)/d(output) per row (unscaled).</summary>
    public static double Evaluate(TaskKind kind, ReadOnlySpan<float> outputs, ReadOnlySpan<float> labels, Span<float> gradient) => kind switch
    {
        TaskKind.Binary => Losses.BinaryCrossEntropyWithLogits(outputs, labels, gradient),
        TaskKind.Regression => Losses.SquaredError(outputs, labels, gradient),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown task kind."),
    };
}
