using MlNetMtl.Data;

namespace MlNetMtl.Training.Weighting;

/// <summary>Static weights: L = Σₜ λₜ·Lₜ with each task's fixed <see cref="TaskDefinition.LossWeight"/> λₜ. The default.</summary>
public sealed class FixedWeighting : LossWeighting
{
    /// <inheritdoc/>
    public override string Name => "fixed";

    internal override WeightingState Start(IReadOnlyList<TaskDefinition> tasks, TrainerOptions training) => new State(tasks.Count);

    private sealed class State(int tasks) : WeightingState(tasks);
}
