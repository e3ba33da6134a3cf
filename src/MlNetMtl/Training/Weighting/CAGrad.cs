using MlNetMtl.Data;
using MlNetMtl.Numerics;
using MlNetMtl.Settings;

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
    [Setting("cagrad-c", NotSearched = NotSearchedReason)]
    public float C { get; init; } = 0.4f;

    internal override void Validate()
    {
        if (!(C >= 0 && float.IsFinite(C)))
            throw new ArgumentOutOfRangeException(nameof(C), C, "C must be finite and ≥ 0.");
    }

    internal override GradientWeightingState StartGradient(IReadOnlyList<TaskDefinition> tasks, TrainerOptions training) => new State(tasks.Count, C);

    /// <summary>
    /// Writes into <paramref name="w"/> the simplex weights w* minimising wᵀb + √φ·√(wᵀGw) with b = G·1/K and
    /// φ = c²·mean(G), for Gram matrix G (k × k), by exponentiated gradient descent.
    /// </summary>
    internal static void Weights(ReadOnlySpan<double> gram, double c, Span<double> w)
    {
        int k = w.Length;
        double meanGram = 0;
        Span<double> b = stackalloc double[k], gw = stackalloc double[k], gradient = stackalloc double[k];
        b.Clear();
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
            {
                b[i] += gram[i * k + j] / k;
                meanGram += gram[i * k + j] / (k * k);
            }
        double radius = c * Math.Sqrt(Math.Max(meanGram, 0)) + 1e-8;
        w.Fill(1.0 / k);
        for (int iteration = 0; iteration < 2000; iteration++)
        {
            GramMatrix.Multiply(gram, w, gw);
            double norm = Math.Sqrt(Math.Max(GramMatrix.Dot(w, gw), 1e-20)), scale = 1e-20, sum = 0;
            for (int i = 0; i < k; i++)
            {
                gradient[i] = b[i] + radius * gw[i] / norm;
                scale = Math.Max(scale, Math.Abs(gradient[i]));
            }
            for (int i = 0; i < k; i++)
                sum += w[i] *= Math.Exp(-0.1 * gradient[i] / scale);
            for (int i = 0; i < k; i++)
                w[i] /= sum;
        }
    }

    private sealed class State(int tasks, float c) : GradientWeightingState(tasks)
    {
        private readonly double[] _gram = new double[tasks * tasks], _w = new double[tasks];

        public override void Combine(TaskVectors taskGradients, Span<float> destination, ReadOnlySpan<double> lastLayerNorms, Random random)
        {
            int k = taskGradients.Count;
            GramMatrix.Compute(taskGradients, _gram);
            Weights(_gram, c, _w);
            double meanGram = 0, gwNorm = 0;
            for (int i = 0; i < k; i++)
                for (int j = 0; j < k; j++)
                {
                    meanGram += _gram[i * k + j] / (k * k);
                    gwNorm += _w[i] * _w[j] * _gram[i * k + j];
                }
            double lambda = c * Math.Sqrt(Math.Max(meanGram, 0)) / (Math.Sqrt(Math.Max(gwNorm, 0)) + 1e-8);
            destination.Clear();
            for (int t = 0; t < k; t++)
                VectorOps.AddScaled((float)(k * (1.0 / k + lambda * _w[t]) / (1 + c * c)), taskGradients[t], destination);
        }
    }
}
