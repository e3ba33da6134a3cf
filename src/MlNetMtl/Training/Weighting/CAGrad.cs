using MlNetMtl.Data;
using MlNetMtl.Numerics;

namespace MlNetMtl.Training.Weighting;

/// <summary>
/// Conflict-averse gradient descent (Liu et al., NeurIPS 2021): with g₀ the mean task gradient and φ = c²‖g₀‖²,
/// w* = argmin over the simplex of g_wᵀg₀ + √φ‖g_w‖ (g_w = Σₜ wₜgₜ), then d = (g₀ + √φ/‖g_w*‖·g_w*)/(1 + c²), the
/// authors' rescaled update; the shared update is K·d for K tasks (so c = 0 gives the plain sum of the task gradients).
/// </summary>
public sealed class CAGrad : GradientWeighting
{
    /// <inheritdoc/>
    public override string Name => "cagrad";

    /// <summary>The conflict-aversion radius c ≥ 0. Default 0.4 (the authors' choice for multi-task supervised learning).</summary>
    public float C { get; init; } = 0.4f;

    internal override void Validate()
    {
        if (!(C >= 0 && float.IsFinite(C)))
            throw new ArgumentOutOfRangeException(nameof(C), C, "C must be finite and ≥ 0.");
    }

    internal override GradientWeightingState StartGradient(IReadOnlyList<TaskDefinition> tasks, TrainerOptions training) => new State(tasks.Count, C);

    /// <summary>
    /// The simplex weights w* minimising wᵀb + √φ·√(wᵀGw) with b = G·1/K and φ = c²·mean(G), for Gram matrix G,
    /// by exponentiated gradient descent (exposed for tests).
    /// </summary>
    internal static double[] Weights(double[,] gram, double c)
    {
        int k = gram.GetLength(0);
        double meanGram = 0;
        var b = new double[k];
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
            {
                b[i] += gram[i, j] / k;
                meanGram += gram[i, j] / (k * k);
            }
        double radius = c * Math.Sqrt(Math.Max(meanGram, 0)) + 1e-8;
        var w = Enumerable.Repeat(1.0 / k, k).ToArray();
        for (int iteration = 0; iteration < 2000; iteration++)
        {
            var gw = new double[k];
            for (int i = 0; i < k; i++)
                for (int j = 0; j < k; j++)
                    gw[i] += gram[i, j] * w[j];
            double norm = Math.Sqrt(Math.Max(w.Select((v, i) => v * gw[i]).Sum(), 1e-20));
            var gradient = b.Select((v, i) => v + radius * gw[i] / norm).ToArray();
            double scale = gradient.Max(Math.Abs) + 1e-20, sum = 0;
            for (int i = 0; i < k; i++)
                sum += w[i] *= Math.Exp(-0.1 * gradient[i] / scale);
            for (int i = 0; i < k; i++)
                w[i] /= sum;
        }
        return w;
    }

    private sealed class State(int tasks, float c) : GradientWeightingState(tasks)
    {
        public override void Combine(float[][] taskGradients, Span<float> destination, ReadOnlySpan<double> lastLayerNorms, Random random)
        {
            int k = taskGradients.Length;
            var gram = new double[k, k];
            for (int i = 0; i < k; i++)
                for (int j = i; j < k; j++)
                    gram[i, j] = gram[j, i] = VectorOps.Dot(taskGradients[i], taskGradients[j]);
            var w = Weights(gram, c);
            double meanGram = 0, gwNorm = 0;
            for (int i = 0; i < k; i++)
                for (int j = 0; j < k; j++)
                {
                    meanGram += gram[i, j] / (k * k);
                    gwNorm += w[i] * w[j] * gram[i, j];
                }
            double lambda = c * Math.Sqrt(Math.Max(meanGram, 0)) / (Math.Sqrt(Math.Max(gwNorm, 0)) + 1e-8);
            destination.Clear();
            for (int t = 0; t < k; t++)
                VectorOps.AddScaled((float)(k * (1.0 / k + lambda * w[t]) / (1 + c * c)), taskGradients[t], destination);
        }
    }
}
