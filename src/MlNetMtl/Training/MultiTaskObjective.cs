using MlNetMtl.Networks;
using MlNetMtl.Numerics;

namespace MlNetMtl.Training;

/// <summary>
/// The training objective L = Σₜ λₜ · Σᵢ wₜᵢ·ℓₜᵢ / Σᵢ wₜᵢ on one mini-batch — each task's row-weighted mean loss
/// (a missing label weighs 0) times its loss weight λₜ — with the forward pass and, when asked, the backward pass
/// that leaves dL/dθ in every parameter's gradient. A task with no weight in the batch contributes nothing.
/// </summary>
internal static class MultiTaskObjective
{
    /// <summary>
    /// Adds each task's Σ w·ℓ over the batch to <paramref name="lossSums"/> and Σ w to <paramref name="weightSums"/>;
    /// returns false, before any backward pass, when a loss is not finite.
    /// </summary>
    public static bool Evaluate(MultiTaskNetwork network, InputBatch batch, float[][] labels, float[][] weights, NetworkWorkspace workspace,
        Random? dropout, bool backward, Span<double> lossSums, Span<double> weightSums, out int failedTask) =>
        Evaluate(network, batch, labels, weights, workspace, dropout, backward, lossSums, weightSums, out failedTask, out _, default, null);

    /// <summary>
    /// As above; <paramref name="regularization"/> receives the architecture's own loss term (AITM's calibrator), which L
    /// includes, <paramref name="taskMultipliers"/> (a loss-weighting strategy's, empty for all 1) scale each λₜ, and
    /// <paramref name="imbalance"/> (by task, entries may be null) selects focal loss. When <paramref name="batch"/> is one
    /// <paramref name="shard"/> of a mini-batch, labels and weights are read from the shard's first row and the gradient is
    /// normalised by the whole mini-batch's weights, so the shards' gradients add up to the mini-batch's.
    /// </summary>
    public static bool Evaluate(MultiTaskNetwork network, InputBatch batch, float[][] labels, float[][] weights, NetworkWorkspace workspace,
        Random? dropout, bool backward, Span<double> lossSums, Span<double> weightSums, out int failedTask, out double regularization,
        ReadOnlySpan<float> taskMultipliers, IReadOnlyList<TaskImbalance?>? imbalance, BatchShard? shard = null)
    {
        regularization = 0;
        var tasks = network.Tasks;
        int rows = batch.Rows, first = shard?.FirstRow ?? 0;
        network.Forward(batch, workspace, dropout);
        for (int t = 0; t < tasks.Count; t++)
        {
            var gradient = workspace.OutputGradients[t].AsSpan(0, rows * workspace.Widths[t]);
            var rowWeights = weights[t].AsSpan(first, rows);
            double loss = TaskLoss.Evaluate(tasks[t], workspace.TaskOutputs(t, rows), labels[t].AsSpan(first, rows), rowWeights, gradient, imbalance?[t]);
            if (!double.IsFinite(loss))
            {
                failedTask = t;
                return false;
            }
            double weight = 0;
            foreach (float w in rowWeights)
                weight += w;
            lossSums[t] += loss;
            weightSums[t] += weight;
            double normalizer = shard is { } whole ? whole.TaskWeights[t] : weight;
            float multiplier = taskMultipliers.IsEmpty ? 1f : taskMultipliers[t];
            VectorOps.Scale(normalizer > 0 ? (float)(tasks[t].LossWeight * multiplier / normalizer) : 0f, gradient);
        }
        failedTask = -1;
        regularization = network.AddOutputRegularization(workspace, rows, shard?.BatchRows ?? rows);
        if (backward)
            network.Backward(batch, workspace, dropout is not null && network.Options.Dropout > 0);
        return true;
    }
}

/// <summary>Rows [<see cref="FirstRow"/>, FirstRow + shard rows) of a mini-batch of <see cref="BatchRows"/> rows whose tasks weigh <see cref="TaskWeights"/> in all.</summary>
internal readonly record struct BatchShard(int FirstRow, int BatchRows, double[] TaskWeights);
