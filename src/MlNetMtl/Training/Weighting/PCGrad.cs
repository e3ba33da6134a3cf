using MlNetMtl.Data;
using MlNetMtl.Numerics;

namespace MlNetMtl.Training.Weighting;

/// <summary>
/// PCGrad, projecting conflicting gradients (Yu et al., NeurIPS 2020): for each task i (in a random order), gᵢ′ starts
/// as gᵢ and, for every other task j (in a random order) with gᵢ′·gⱼ &lt; 0, loses its component along gⱼ:
/// gᵢ′ −= (gᵢ′·gⱼ / ‖gⱼ‖²)·gⱼ. The shared update is Σᵢ gᵢ′.
/// </summary>
public sealed class PCGrad : GradientWeighting
{
    /// <inheritdoc/>
    public override string Name => "pcgrad";

    internal override GradientWeightingState StartGradient(IReadOnlyList<TaskDefinition> tasks, TrainerOptions training) => new State(tasks.Count);

    /// <summary>The projection for a given task order (exposed for tests).</summary>
    internal static void Project(TaskVectors gradients, Span<float> destination, ReadOnlySpan<int> order, ReadOnlySpan<int> others, Span<float> projected)
    {
        destination.Clear();
        projected = projected[..destination.Length];
        foreach (int i in order)
        {
            gradients[i].CopyTo(projected);
            foreach (int j in others)
            {
                if (j == i)
                    continue;
                float dot = VectorOps.Dot(projected, gradients[j]);
                float norm = VectorOps.Dot(gradients[j], gradients[j]);
                if (dot < 0 && norm > 0)
                    VectorOps.AddScaled(-dot / norm, gradients[j], projected);
            }
            VectorOps.AddScaled(1f, projected, destination);
        }
    }

    private sealed class State(int tasks) : GradientWeightingState(tasks)
    {
        private readonly int[] _order = new int[tasks], _others = new int[tasks];
        private float[] _projected = [];

        public override void Combine(TaskVectors taskGradients, Span<float> destination, ReadOnlySpan<double> lastLayerNorms, Random random)
        {
            for (int t = 0; t < _order.Length; t++)
                _order[t] = _others[t] = t;
            random.Shuffle(_order);
            random.Shuffle(_others);
            if (_projected.Length < destination.Length)
                _projected = new float[Math.Max(destination.Length, _projected.Length * 2)];
            Project(taskGradients, destination, _order, _others, _projected);
        }
    }
}
