using MlNetMtl.Data;
using MlNetMtl.Numerics;
using MlNetMtl.Settings;

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
    [Setting("mgda-upper-bound", NotSearched = NotSearchedReason)]
    public bool UpperBound { get; init; } = true;

    internal override GradientWeightingState StartGradient(IReadOnlyList<TaskDefinition> tasks, TrainerOptions training) => new State(tasks.Count, UpperBound);

    /// <summary>Writes the min-norm convex weights α of vectors with Gram matrix <paramref name="gram"/> (k × k) into <paramref name="alpha"/>.</summary>
    internal static void MinNormWeights(ReadOnlySpan<double> gram, Span<double> alpha)
    {
        int k = alpha.Length;
        alpha.Fill(1.0 / k);
        Span<double> gradient = stackalloc double[k]; // Gα
        for (int iteration = 0; iteration < 250; iteration++)
        {
            GramMatrix.Multiply(gram, alpha, gradient);
            int best = 0;
            for (int i = 1; i < k; i++)
                if (gradient[i] < gradient[best])
                    best = i;
            double a = GramMatrix.Dot(alpha, gradient), b = gradient[best], c = gram[best * k + best];
            double denominator = a - 2 * b + c;
            double step = denominator <= 1e-20 ? 0 : Math.Clamp((a - b) / denominator, 0, 1);
            if (step < 1e-9)
                break;
            for (int i = 0; i < k; i++)
                alpha[i] *= 1 - step;
            alpha[best] += step;
        }
    }

    private sealed class State(int tasks, bool upperBound) : GradientWeightingState(tasks)
    {
        private readonly double[] _gram = new double[tasks * tasks], _alpha = new double[tasks];

        public override bool ReweightsFromRepresentation => upperBound;

        public override void Reweight(TaskVectors representationGradients, Span<float> scales)
        {
            GramMatrix.Compute(representationGradients, _gram);
            MinNormWeights(_gram, _alpha);
            for (int t = 0; t < scales.Length; t++)
                scales[t] = (float)(scales.Length * _alpha[t]);
        }

        public override void Combine(TaskVectors taskGradients, Span<float> destination, ReadOnlySpan<double> lastLayerNorms, Random random)
        {
            int k = taskGradients.Count;
            GramMatrix.Compute(taskGradients, _gram);
            MinNormWeights(_gram, _alpha);
            destination.Clear();
            for (int t = 0; t < k; t++)
                VectorOps.AddScaled((float)(k * _alpha[t]), taskGradients[t], destination);
        }
    }
}
