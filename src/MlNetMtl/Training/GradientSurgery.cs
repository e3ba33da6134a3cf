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
    private readonly SharedGradient _lastShared = new(network.LastSharedParameters.Intersect(trainable).ToArray());
    private readonly float[][] _saved = workspace.OutputGradients.Select(g => new float[g.Length]).ToArray();
    private readonly float[][] _taskVectors = workspace.OutputGradients.Select(_ => Array.Empty<float>()).ToArray();
    private readonly double[] _lastNorms = new double[workspace.OutputGradients.Length];
    private float[] _last = [], _combined = [];

    public void Backward(InputBatch batch, bool dropoutApplied, GradientWeightingState strategy, Random random)
    {
        var outputs = workspace.OutputGradients;
        int tasks = outputs.Length;
        for (int t = 0; t < tasks; t++)
            outputs[t].CopyTo(_saved[t], 0);
        if (_shared.Parameters.Length == 0)
        {
            network.Backward(batch, workspace, dropoutApplied);
            return;
        }

        if (strategy.ReweightsFromRepresentation && !workspace.RepresentationGradient(batch.Rows).IsEmpty)
        {
            ReweightFromRepresentation(batch, dropoutApplied, strategy);
            return;
        }

        TaskVectors taskGradients = default;
        for (int t = 0; t < tasks; t++)
        {
            OnlyTask(t);
            _shared.ResetSparse();
            network.Backward(batch, workspace, dropoutApplied);
            taskGradients = TaskVectors.Reuse(_taskVectors, _shared.Length);
            _shared.Read(taskGradients[t]);
            var last = Reuse(ref _last, _lastShared.Length);
            _lastShared.Read(last);
            _lastNorms[t] = Math.Sqrt(SharedGradient.SquaredNorm(last));
        }

        for (int t = 0; t < tasks; t++)
            _saved[t].CopyTo(outputs[t], 0);
        _shared.ResetSparse();
        network.Backward(batch, workspace, dropoutApplied);
        var combined = Reuse(ref _combined, _shared.Length);
        strategy.Combine(taskGradients, combined, _lastNorms, random);
        _shared.Write(combined);
    }

    /// <summary>The first <paramref name="length"/> values of <paramref name="buffer"/>, grown (never shrunk) to fit.</summary>
    private static Span<float> Reuse(ref float[] buffer, int length)
    {
        if (buffer.Length < length)
            buffer = new float[Math.Max(length, buffer.Length * 2)];
        return buffer.AsSpan(0, length);
    }

    /// <summary>One backward pass per task for its representation gradient, then one with the task outputs' gradients rescaled.</summary>
    private void ReweightFromRepresentation(InputBatch batch, bool dropoutApplied, GradientWeightingState strategy)
    {
        var outputs = workspace.OutputGradients;
        int tasks = outputs.Length;
        TaskVectors representations = default;
        for (int t = 0; t < tasks; t++)
        {
            OnlyTask(t);
            _shared.ResetSparse();
            network.Backward(batch, workspace, dropoutApplied);
            var gradient = workspace.RepresentationGradient(batch.Rows);
            representations = TaskVectors.Reuse(_taskVectors, gradient.Length);
            gradient.CopyTo(representations[t]);
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
