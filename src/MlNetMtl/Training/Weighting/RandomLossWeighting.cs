using MathNet.Numerics.Distributions;
using MlNetMtl.Data;

namespace MlNetMtl.Training.Weighting;

/// <summary>
/// Random loss weighting (Lin et al., TMLR 2022, "Reasonable effectiveness of random weighting"): before each
/// mini-batch, wₜ = K·softmax(ε)ₜ with ε ~ N(0, I) for K tasks, drawn from the run's seeded generator. (LibMTL
/// omits the factor K; it keeps the loss on the same scale as fixed weights.)
/// </summary>
public sealed class RandomLossWeighting : LossWeighting
{
    /// <inheritdoc/>
    public override string Name => "rlw";

    internal override WeightingState Start(IReadOnlyList<TaskDefinition> tasks, TrainerOptions training) => new State(tasks.Count);

    private sealed class State(int tasks) : WeightingState(tasks)
    {
        public override void BeginBatch(Random random)
        {
            Span<double> draws = stackalloc double[Weights.Length];
            double max = double.NegativeInfinity, sum = 0;
            for (int t = 0; t < draws.Length; t++)
            {
                draws[t] = Normal.Sample(random, 0, 1);
                max = Math.Max(max, draws[t]);
            }
            for (int t = 0; t < draws.Length; t++)
                sum += Math.Exp(draws[t] - max);
            for (int t = 0; t < draws.Length; t++)
                Weights[t] = (float)(draws.Length * Math.Exp(draws[t] - max) / sum);
        }
    }
}
