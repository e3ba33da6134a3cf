using MlNetMtl.Data;
using MlNetMtl.Settings;

namespace MlNetMtl.Training.Weighting;

/// <summary>
/// Dynamic weight average (Liu, Johns &amp; Davison, CVPR 2019): before epoch e, with rₜ = Lₜ(e−1)/Lₜ(e−2) the ratio
/// of task t's mean training loss over the two epochs before, wₜ = K·exp(rₜ/T) / Σᵢ exp(rᵢ/T) for K tasks and
/// temperature T; wₜ = 1 for the first two epochs. A task whose loss falls slowly gets more weight.
/// </summary>
public sealed class DynamicWeightAverage : LossWeighting
{
    /// <inheritdoc/>
    public override string Name => "dwa";

    /// <summary>Temperature T: larger spreads the weights less. Default 2 (the paper's).</summary>
    [Setting("dwa-temperature", NotSearched = NotSearchedReason)]
    public float Temperature { get; init; } = 2f;

    internal override void Validate()
    {
        if (!(Temperature > 0 && float.IsFinite(Temperature)))
            throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "Temperature must be finite and > 0.");
    }

    internal override WeightingState Start(IReadOnlyList<TaskDefinition> tasks, TrainerOptions training) => new State(tasks.Count, Temperature, useValidation: false);

    /// <summary>The weights from the losses of the two epochs before, as the formula above (exposed for tests).</summary>
    internal static void Compute(ReadOnlySpan<double> previous, ReadOnlySpan<double> beforePrevious, float temperature, Span<float> weights)
    {
        int tasks = weights.Length;
        Span<double> scores = stackalloc double[tasks];
        double max = double.NegativeInfinity;
        for (int t = 0; t < tasks; t++)
        {
            double ratio = previous[t] / beforePrevious[t];
            scores[t] = double.IsFinite(ratio) ? ratio / temperature : 1 / temperature; // a task without labelled rows stays neutral
            max = Math.Max(max, scores[t]);
        }
        double sum = 0;
        for (int t = 0; t < tasks; t++)
            sum += Math.Exp(scores[t] - max);
        for (int t = 0; t < tasks; t++)
            weights[t] = (float)(tasks * Math.Exp(scores[t] - max) / sum);
    }

    /// <summary>DWA's rule, on training losses (DWA) or validation losses (<see cref="ValidationDrivenWeighting"/>).</summary>
    internal sealed class State(int tasks, float temperature, bool useValidation) : WeightingState(tasks)
    {
        public override void BeginEpoch(int epoch, IReadOnlyList<EpochReport> history)
        {
            if (history.Count < 2)
                return;
            var previous = useValidation ? history[^1].ValidationLoss : history[^1].TrainingLoss;
            var beforePrevious = useValidation ? history[^2].ValidationLoss : history[^2].TrainingLoss;
            if (previous.Count == 0)
                return;
            Compute(previous.ToArray(), beforePrevious.ToArray(), temperature, Weights);
        }
    }
}
