using MlNetMtl.Data;
using MlNetMtl.Settings;

namespace MlNetMtl.Training.Weighting;

/// <summary>
/// Validation-driven re-weighting (the seed article's <c>adjust_weights</c>): after each epoch, tasks whose
/// validation loss improved least get more weight. The rule is DWA's applied to validation losses: with
/// rₜ = Lₜᵛᵃˡ(e−1)/Lₜᵛᵃˡ(e−2), wₜ = K·exp(rₜ/T) / Σᵢ exp(rᵢ/T); a task whose validation loss stalls or rises (rₜ ≥ 1)
/// outweighs one still improving. Weights stay 1 until two epochs have validation losses (or without validation).
/// </summary>
public sealed class ValidationDrivenWeighting : LossWeighting
{
    /// <inheritdoc/>
    public override string Name => "validation";

    /// <summary>Temperature T. Default 2.</summary>
    [Setting("validation-temperature", NotSearched = NotSearchedReason)]
    public float Temperature { get; init; } = 2f;

    internal override void Validate()
    {
        if (!(Temperature > 0 && float.IsFinite(Temperature)))
            throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "Temperature must be finite and > 0.");
    }

    internal override WeightingState Start(IReadOnlyList<TaskDefinition> tasks, TrainerOptions training) =>
        new DynamicWeightAverage.State(tasks.Count, Temperature, useValidation: true);

    /// <summary>Not searched: it weights the tasks by the validation losses of the rows that also score the trials.</summary>
    internal override bool Searched => false;
}
