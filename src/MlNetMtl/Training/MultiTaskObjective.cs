using MlNetMtl.Networks;
using MlNetMtl.Numerics;

namespace MlNetMtl.Training;

/// <summary>
/// The training objective L = Σₜ wₜ · meanₜ(loss) on one mini-batch: forward pass, per-task losses and, when
/// asked, the backward pass that leaves dL/dθ in every parameter's gradient.
/// </summary>
internal static class MultiTaskObjective
{
    /// <summary>
    /// Adds each task's summed (unweighted) loss over the batch to <paramref name="lossSums"/>; returns false,
    /// before any backward pass, when a loss is not finite.
    /// </summary>
    public static bool Evaluate(MultiTaskNetwork network, InputBatch batch, float[][] labels, NetworkWorkspace workspace,
        Random? dropout, bool backward, Span<double> lossSums, out int failedTask)
    {
        var tasks = network.Tasks;
        int rows = batch.Rows;
        network.Forward(batch, workspace, dropout);
        for (int t = 0; t < tasks.Count; t++)
        {
            var gradient = workspace.OutputGradients[t].AsSpan(0, rows);
            double loss = TaskLoss.Evaluate(tasks[t].Kind, workspace.TaskOutputs(t, rows), labels[t].AsSpan(0, rows), gradient);
            if (!double.IsFinite(loss))
            {
                failedTask = t;
                return false;
            }
            lossSums[t] += loss;
            VectorOps.Scale(tasks[t].LossWeight / rows, gradient);
        }
        failedTask = -1;
        if (backward)
            network.Backward(batch, workspace, dropout is not null && network.Options.Dropout > 0);
        return true;
    }
}
