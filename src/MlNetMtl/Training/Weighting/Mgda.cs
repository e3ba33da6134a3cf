using MlNetMtl.Data;
using MlNetMtl.Numerics;

namespace MlNetMtl.Training.Weighting;

/// <summary>
/// MGDA (Sener &amp; Koltun, NeurIPS 2018): the shared update is K·Σₜ αₜgₜ for the α on the simplex that minimises
/// ‖Σₜ αₜgₜ‖ (the min-norm point of the gradients' convex hull, a common descent direction), found by Frank–Wolfe on
/// the Gram matrix (closed form for two tasks). This is the exact variant on the shared parameters' gradients, of
/// which the paper's MGDA-UB (on the shared representation) is an upper bound. The factor K (tasks) keeps the
/// step's scale comparable to summed losses.
/// </summary>
public sealed class Mgda : GradientWeighting
{
    /// <inheritdoc/>
    public override string Name => "mgda";

    internal override GradientWeightingState StartGradient(IReadOnlyList<TaskDefinition> tasks, TrainerOptions training) => new State(tasks.Count);

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

    private sealed class State(int tasks) : GradientWeightingState(tasks)
    {
        public override void Combine(float[][] taskGradients, Span<float> destination, ReadOnlySpan<double> lastLayerNorms, Random random)
        {
            int k = taskGradients.Length;
            var gram = new double[k, k];
            for (int i = 0; i < k; i++)
                for (int j = i; j < k; j++)
                    gram[i, j] = gram[j, i] = VectorOps.Dot(taskGradients[i], taskGradients[j]);
            var alpha = MinNormWeights(gram);
            destination.Clear();
            for (int t = 0; t < k; t++)
                VectorOps.AddScaled((float)(k * alpha[t]), taskGradients[t], destination);
        }
    }
}
