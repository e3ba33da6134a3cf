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
    internal static void Project(float[][] gradients, Span<float> destination, int[] order, int[] others)
    {
        destination.Clear();
        var projected = new float[destination.Length];
        foreach (int i in order)
        {
            gradients[i].CopyTo(projected, 0);
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
        public override void Combine(float[][] taskGradients, Span<float> destination, ReadOnlySpan<double> lastLayerNorms, Random random)
        {
            var order = Enumerable.Range(0, taskGradients.Length).ToArray();
            var others = Enumerable.Range(0, taskGradients.Length).ToArray();
            random.Shuffle(order);
            random.Shuffle(others);
            Project(taskGradients, destination, order, others);
        }
    }
}
