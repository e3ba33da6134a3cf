using MlNetMtl.Data;
using MlNetMtl.Numerics;
using MlNetMtl.Settings;
using MlNetMtl.Training.Checkpoints;

namespace MlNetMtl.Training.Weighting;

/// <summary>
/// Uncertainty weighting (Kendall, Gal &amp; Cipolla, CVPR 2018): each task learns a homoscedastic noise log-variance
/// sₜ = log σₜ², and the objective is Σₜ e^(−sₜ)/cₜ · Lₜ + sₜ/2, with cₜ = 2 for a regression task (Gaussian
/// likelihood, MSE loss) and cₜ = 1 for a classification task (the paper's approximation). So the task multiplier
/// is e^(−sₜ)/cₜ and ∂/∂sₜ = −e^(−sₜ)/cₜ · Lₜ + ½: a noisier task (larger Lₜ at the optimum) gets a smaller weight.
/// The sₜ start at 0 and follow Adam with the run's learning rate times <see cref="LearningRateScale"/>.
/// </summary>
public sealed class UncertaintyWeighting : LossWeighting
{
    /// <inheritdoc/>
    public override string Name => "uncertainty";

    /// <summary>The log-variances' learning rate as a multiple of the network's. Default 10 (they are few and start far from their optimum).</summary>
    [Setting("uncertainty-learning-rate-scale", NotSearched = NotSearchedReason)]
    public float LearningRateScale { get; init; } = 10f;

    internal override void Validate()
    {
        if (!(LearningRateScale > 0 && float.IsFinite(LearningRateScale)))
            throw new ArgumentOutOfRangeException(nameof(LearningRateScale), LearningRateScale, "LearningRateScale must be finite and > 0.");
    }

    internal override WeightingState Start(IReadOnlyList<TaskDefinition> tasks, TrainerOptions training) => new State(tasks, training, LearningRateScale);

    /// <summary>The objective's value and its gradient in the log-variances, for given task losses (exposed for tests).</summary>
    internal static double Objective(IReadOnlyList<TaskDefinition> tasks, ReadOnlySpan<double> losses, ReadOnlySpan<float> logVariances, Span<float> gradient)
    {
        double total = 0;
        for (int t = 0; t < tasks.Count; t++)
        {
            double c = tasks[t].Kind.UncertaintyScale;
            double weight = Math.Exp(-logVariances[t]) / c;
            if (double.IsNaN(losses[t]))
            {
                gradient[t] = 0;
                continue;
            }
            total += weight * losses[t] + logVariances[t] / 2;
            gradient[t] = (float)(-weight * losses[t] + 0.5);
        }
        return total;
    }

    private sealed class State : WeightingState
    {
        private readonly IReadOnlyList<TaskDefinition> _tasks;
        private readonly float[] _logVariances, _gradient, _firstMoment, _secondMoment;
        private readonly float _learningRate, _beta1, _beta2, _epsilon;
        private long _step;

        public State(IReadOnlyList<TaskDefinition> tasks, TrainerOptions training, float scale) : base(tasks.Count)
        {
            _tasks = tasks;
            _logVariances = new float[tasks.Count];
            _gradient = new float[tasks.Count];
            _firstMoment = new float[tasks.Count];
            _secondMoment = new float[tasks.Count];
            (_learningRate, _beta1, _beta2, _epsilon) = (training.LearningRate * scale, training.Beta1, training.Beta2, training.Epsilon);
            UpdateWeights();
        }

        public override void AfterBatch(ReadOnlySpan<double> meanLosses)
        {
            Objective(_tasks, meanLosses, _logVariances, _gradient);
            OptimizerKernels.Adam(_logVariances, _gradient, _firstMoment, _secondMoment, new AdamStep(_learningRate, _beta1, _beta2, _epsilon, 0f, ++_step));
            UpdateWeights();
        }

        public override void Write(BinaryWriter writer)
        {
            base.Write(writer);
            writer.WriteFloats(_logVariances);
            writer.WriteFloats(_firstMoment);
            writer.WriteFloats(_secondMoment);
            writer.Write(_step);
        }

        public override void Read(BinaryReader reader)
        {
            base.Read(reader);
            reader.ReadFloats(_logVariances, "the uncertainty weighting's log-variances");
            reader.ReadFloats(_firstMoment, "the uncertainty weighting's first moments");
            reader.ReadFloats(_secondMoment, "the uncertainty weighting's second moments");
            _step = reader.ReadInt64();
        }

        private void UpdateWeights()
        {
            for (int t = 0; t < _tasks.Count; t++)
                Weights[t] = (float)(Math.Exp(-_logVariances[t]) / _tasks[t].Kind.UncertaintyScale);
        }
    }
}
