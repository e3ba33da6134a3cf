using MlNetMtl.Data;
using MlNetMtl.Numerics;
using MlNetMtl.Settings;
using MlNetMtl.Training.Checkpoints;

namespace MlNetMtl.Training.Weighting;

/// <summary>
/// GradNorm (Chen et al., ICML 2018): task weights wₜ (summing to K) are learned so that each task's gradient norm on
/// the last shared layer, Gₜ = ‖∇(wₜLₜ)‖, approaches Ḡ·rₜ^α, where Ḡ is the mean norm, L̃ₜ = Lₜ/Lₜ(0) the loss
/// relative to the first step and rₜ = L̃ₜ/mean(L̃): tasks that train slower get larger gradients. Each step takes
/// ∂|Gₜ − target|/∂wₜ = sign(Gₜ − target)·Gₜ/wₜ (the target held fixed, as in the paper) with rate
/// <see cref="WeightLearningRate"/>, then renormalises to Σwₜ = K.
/// </summary>
public sealed class GradNorm : GradientWeighting
{
    /// <inheritdoc/>
    public override string Name => "gradnorm";

    /// <summary>The restoring-force asymmetry α. Default 1.5.</summary>
    [Setting("gradnorm-alpha", NotSearched = NotSearchedReason)]
    public float Alpha { get; init; } = 1.5f;

    /// <summary>Step size of the weights. Default 0.025 (the paper's).</summary>
    [Setting("gradnorm-learning-rate", NotSearched = NotSearchedReason)]
    public float WeightLearningRate { get; init; } = 0.025f;

    internal override void Validate()
    {
        if (!(Alpha >= 0 && float.IsFinite(Alpha)))
            throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "Alpha must be finite and ≥ 0.");
        if (!(WeightLearningRate > 0 && float.IsFinite(WeightLearningRate)))
            throw new ArgumentOutOfRangeException(nameof(WeightLearningRate), WeightLearningRate, "WeightLearningRate must be finite and > 0.");
    }

    internal override GradientWeightingState StartGradient(IReadOnlyList<TaskDefinition> tasks, TrainerOptions training) => new State(tasks.Count, Alpha, WeightLearningRate);

    private sealed class State(int tasks, float alpha, float rate) : GradientWeightingState(tasks)
    {
        private double[]? _initialLosses;
        private readonly double[] _losses = new double[tasks];

        public override void AfterBatch(ReadOnlySpan<double> meanLosses) => meanLosses.CopyTo(_losses);

        private readonly double[] _relative = new double[tasks];

        public override void Combine(TaskVectors taskGradients, Span<float> destination, ReadOnlySpan<double> lastLayerNorms, Random random)
        {
            destination.Clear();
            for (int t = 0; t < taskGradients.Count; t++)
                VectorOps.AddScaled(1f, taskGradients[t], destination);
            UpdateWeights(lastLayerNorms);
        }

        public override void Write(BinaryWriter writer)
        {
            base.Write(writer);
            writer.WriteDoubles(_losses);
            writer.Write(_initialLosses is not null);
            if (_initialLosses is not null)
                writer.WriteDoubles(_initialLosses);
        }

        public override void Read(BinaryReader reader)
        {
            base.Read(reader);
            reader.ReadDoubles(_losses, "GradNorm's last losses");
            _initialLosses = reader.ReadBoolean() ? new double[_losses.Length] : null;
            if (_initialLosses is not null)
                reader.ReadDoubles(_initialLosses, "GradNorm's first losses");
        }

        private void UpdateWeights(ReadOnlySpan<double> norms)
        {
            int k = Weights.Length;
            foreach (double loss in _losses)
                if (!double.IsFinite(loss) || loss <= 0)
                    return;
            _initialLosses ??= (double[])_losses.Clone();
            var relative = _relative;
            double meanRelative = 0, meanNorm = 0;
            for (int t = 0; t < k; t++)
                meanRelative += (relative[t] = _losses[t] / _initialLosses[t]) / k;
            foreach (double n in norms)
                meanNorm += n / k;
            for (int t = 0; t < k; t++)
            {
                double target = meanNorm * Math.Pow(relative[t] / meanRelative, alpha);
                double derivative = Math.Sign(norms[t] - target) * norms[t] / Weights[t];
                Weights[t] = (float)Math.Max(Weights[t] - rate * derivative, 1e-3);
            }
            float sum = 0;
            foreach (float weight in Weights)
                sum += weight;
            for (int t = 0; t < k; t++)
                Weights[t] *= k / sum;
        }
    }
}
