using MlNetMtl.Networks;
using MlNetMtl.Training.Weighting;

namespace MlNetMtl.Training;

/// <summary>
/// The backward pass of a gradient-based strategy: one backward pass per task (only that task's output gradient)
/// to collect each task's gradient of the shared parameters, then an ordinary backward pass for the task-specific
/// parameters, and finally the shared parameters' gradient replaced by the strategy's combination.
/// </summary>
internal sealed class GradientSurgery(MultiTaskNetwork network, NetworkWorkspace workspace, IReadOnlyList<Parameter> trainable)
{
    private readonly SharedGradient _shared = new(network.SharedParameters.Intersect(trainable).ToArray());
    private readonly SharedGradient _last = new(network.LastSharedParameters.Intersect(trainable).ToArray());
    private readonly float[][] _saved = workspace.OutputGradients.Select(g => new float[g.Length]).ToArray();

    public void Backward(InputBatch batch, bool dropoutApplied, GradientWeightingState strategy, Random random)
    {
        var outputs = workspace.OutputGradients;
        int tasks = outputs.Length;
        for (int t = 0; t < tasks; t++)
            outputs[t].CopyTo(_saved[t], 0);
        if (_shared.Parameters.Count == 0)
        {
            network.Backward(batch, workspace, dropoutApplied);
            return;
        }

        if (strategy.ReweightsFromRepresentation && !workspace.RepresentationGradient(batch.Rows).IsEmpty)
        {
            ReweightFromRepresentation(batch, dropoutApplied, strategy);
            return;
        }

        var taskGradients = new float[tasks][];
        Span<double> lastNorms = stackalloc double[tasks];
        for (int t = 0; t < tasks; t++)
        {
            OnlyTask(t);
            _shared.ResetSparse();
            network.Backward(batch, workspace, dropoutApplied);
            taskGradients[t] = new float[_shared.Length];
            _shared.Read(taskGradients[t]);
            var last = new float[_last.Length];
            _last.Read(last);
            lastNorms[t] = Math.Sqrt(SharedGradient.SquaredNorm(last));
        }

        for (int t = 0; t < tasks; t++)
            _saved[t].CopyTo(outputs[t], 0);
        _shared.ResetSparse();
        network.Backward(batch, workspace, dropoutApplied);
        var combined = new float[_shared.Length];
        strategy.Combine(taskGradients, combined, lastNorms, random);
        _shared.Write(combined);
    }

    /// <summary>One backward pass per task for its representation gradient, then one with the task outputs' gradients rescaled.</summary>
    private void ReweightFromRepresentation(InputBatch batch, bool dropoutApplied, GradientWeightingState strategy)
    {
        var outputs = workspace.OutputGradients;
        int tasks = outputs.Length;
        var representations = new float[tasks][];
        for (int t = 0; t < tasks; t++)
        {
            OnlyTask(t);
            _shared.ResetSparse();
            network.Backward(batch, workspace, dropoutApplied);
            representations[t] = workspace.RepresentationGradient(batch.Rows).ToArray();
        }
        Span<float> scales = stackalloc float[tasks];
        strategy.Reweight(representations, scales);
        for (int t = 0; t < tasks; t++)
        {
            _saved[t].CopyTo(outputs[t], 0);
            Numerics.VectorOps.Scale(scales[t], outputs[t]);
        }
        _shared.ResetSparse();
        network.Backward(batch, workspace, dropoutApplied);
    }

    private void OnlyTask(int task)
    {
        var outputs = workspace.OutputGradients;
        for (int u = 0; u < outputs.Length; u++)
        {
            if (u == task)
                _saved[u].CopyTo(outputs[u], 0);
            else
                Array.Clear(outputs[u]);
        }
    }
}
