using MlNetMtl.Data;
using MlNetMtl.Numerics;

namespace MlNetMtl.Training.Weighting;

/// <summary>
/// MGDA (Sener &amp; Koltun, NeurIPS 2018): the α on the simplex that minimises ‖Σₜ αₜgₜ‖ (the min-norm point of the
/// task gradients' convex hull, a common descent direction), by Frank–Wolfe on the Gram matrix. With
/// <see cref="UpperBound"/> (MGDA-UB, the default) the gₜ are the tasks' gradients of the shared representation and
/// the step minimises K·Σₜ αₜLₜ; for mixtures of experts, which have no single shared representation, or with
/// UpperBound off, the gₜ are the shared parameters' gradients and their update is K·Σₜ αₜgₜ. The factor K (tasks)
/// keeps the step's scale comparable to summed losses.
/// </summary>
public sealed class Mgda : GradientWeighting
{
    /// <inheritdoc/>
    public override string Name => "mgda";

    /// <summary>True: MGDA-UB on the shared representation's gradients where the architecture has one. Default true.</summary>
    public bool UpperBound { get; init; } = true;

    internal override GradientWeightingState StartGradient(IReadOnlyList<TaskDefinition> tasks, TrainerOptions training) => new State(tasks.Count, UpperBound);

    private static double[,] Gram(float[][] vectors)
    {
        int k = vectors.Length;
        var gram = new double[k, k];
        for (int i = 0; i < k; i++)
            for (int j = i; j < k; j++)
                gram[i, j] = gram[j, i] = VectorOps.Dot(vectors[i], vectors[j]);
        return gram;
    }

    /// <summary>The min-norm convex weights α of vectors with Gram matrix <paramref name="gram"/> (exposed for tests).</summary>
    internal static double[] MinNormWeights(double[,] gram)
    {
        int k = gram.GetLength(0);
        var alpha = Enumerable.Repeat(1.0 / k, k).ToArray();
        for (int iteration = 0; iteration < 250; iteration++)
        {
            var gradient = new double[k]; // Mα
            for (int i = 0; i < k; i++)
                for (int j = 0; j < k; j++)
                    gradient[i] += gram[i, j] * alpha[j];
            int best = Array.IndexOf(gradient, gradient.Min());
            double a = alpha.Select((v, i) => v * gradient[i]).Sum(), b = gradient[best], c = gram[best, best];
            double denominator = a - 2 * b + c;
            double step = denominator <= 1e-20 ? 0 : Math.Clamp((a - b) / denominator, 0, 1);
            if (step < 1e-9)
                break;
            for (int i = 0; i < k; i++)
                alpha[i] *= 1 - step;
            alpha[best] += step;
        }
        return alpha;
    }

    private sealed class State(int tasks, bool upperBound) : GradientWeightingState(tasks)
    {
        public override bool ReweightsFromRepresentation => upperBound;

        public override void Reweight(float[][] representationGradients, Span<float> scales)
        {
            var alpha = MinNormWeights(Gram(representationGradients));
            for (int t = 0; t < scales.Length; t++)
                scales[t] = (float)(scales.Length * alpha[t]);
        }

        public override void Combine(float[][] taskGradients, Span<float> destination, ReadOnlySpan<double> lastLayerNorms, Random random)
        {
            int k = taskGradients.Length;
            var alpha = MinNormWeights(Gram(taskGradients));
            destination.Clear();
            for (int t = 0; t < k; t++)
                VectorOps.AddScaled((float)(k * alpha[t]), taskGradients[t], destination);
        }
    }
}
