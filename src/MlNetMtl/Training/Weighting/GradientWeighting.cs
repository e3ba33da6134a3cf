using MlNetMtl.Data;

namespace MlNetMtl.Training.Weighting;

/// <summary>
/// A strategy that needs each task's own gradient of the shared parameters (bottom, experts, gates): the trainer runs
/// one backward pass per task, then lets the strategy combine the task gradients gₜ (each already scaled by the task's
/// weight) into the shared parameters' update. Task-specific parameters (towers) get their usual gradients.
/// </summary>
public abstract class GradientWeighting : LossWeighting
{
    private protected GradientWeighting() { }

    internal sealed override WeightingState Start(IReadOnlyList<TaskDefinition> tasks, TrainerOptions training) => StartGradient(tasks, training);

    internal abstract GradientWeightingState StartGradient(IReadOnlyList<TaskDefinition> tasks, TrainerOptions training);
}

/// <summary>The run state of a <see cref="GradientWeighting"/>.</summary>
internal abstract class GradientWeightingState(int tasks) : WeightingState(tasks)
{
    /// <summary>
    /// True when the strategy re-weights the task losses from the tasks' gradients of the shared representation
    /// (<see cref="Reweight"/>) instead of combining parameter gradients — used where the architecture has one.
    /// </summary>
    public virtual bool ReweightsFromRepresentation => false;

    /// <summary>Writes each task's loss scale from the tasks' representation gradients.</summary>
    public virtual void Reweight(TaskVectors representationGradients, Span<float> scales) => throw new NotSupportedException();

    /// <summary>
    /// Combines the task gradients of the shared parameters into <paramref name="destination"/>. <paramref name="lastLayerNorms"/>
    /// are the task gradients' norms on the last shared layer (for GradNorm).
    /// </summary>
    public abstract void Combine(TaskVectors taskGradients, Span<float> destination, ReadOnlySpan<double> lastLayerNorms, Random random);
}
