using MlNetMtl.Data;

namespace MlNetMtl;

/// <summary>One task of a multi-task trainer: its name, the label column it learns from, its kind and loss weight.</summary>
public sealed record TaskColumn
{
    /// <summary>Defines a task.</summary>
    /// <param name="name">The task's name; it prefixes the output columns (<c>name.Score</c>, …).</param>
    /// <param name="labelColumnName">The label column: Boolean, Single, Double or a 2-value key for binary tasks; Single or Double for regression.</param>
    /// <param name="kind">Binary or regression.</param>
    /// <param name="lossWeight">The task's weight in the summed training loss. Default 1.</param>
    /// <param name="missingLabels">
    /// Rows whose label is missing — NaN, a key of 0, or <paramref name="missingLabelValue"/> — are an error
    /// (default, reported with their count) or are masked out of this task's loss and metrics.
    /// </param>
    /// <param name="missingLabelValue">A sentinel label value that means "missing" (e.g. −1), or null.</param>
    /// <param name="weightColumnName">A Single/Double column of per-row weights for this task only, or null.</param>
    public TaskColumn(string name, string labelColumnName, TaskKind kind = TaskKind.Binary, float lossWeight = 1f,
        MissingLabelPolicy missingLabels = MissingLabelPolicy.Error, float? missingLabelValue = null, string? weightColumnName = null)
    {
        Definition = new TaskDefinition(name, kind, lossWeight, missingLabels);
        if (string.IsNullOrWhiteSpace(labelColumnName))
            throw new ArgumentException($"Task '{name}' needs a label column name.", nameof(labelColumnName));
        if (missingLabelValue is { } sentinel && !float.IsFinite(sentinel))
            throw new ArgumentOutOfRangeException(nameof(missingLabelValue), sentinel, $"Task '{name}': the missing-label value must be finite (NaN is always missing).");
        LabelColumnName = labelColumnName;
        MissingLabelValue = missingLabelValue;
        WeightColumnName = string.IsNullOrWhiteSpace(weightColumnName) ? null : weightColumnName;
    }

    /// <summary>The task's name.</summary>
    public string Name => Definition.Name;
    /// <summary>The label column's name.</summary>
    public string LabelColumnName { get; }
    /// <summary>Binary or regression.</summary>
    public TaskKind Kind => Definition.Kind;
    /// <summary>The task's weight in the summed training loss.</summary>
    public float LossWeight => Definition.LossWeight;
    /// <summary>What rows with a missing label do.</summary>
    public MissingLabelPolicy MissingLabels => Definition.MissingLabels;
    /// <summary>A label value that means "missing", besides NaN; null when there is none.</summary>
    public float? MissingLabelValue { get; }
    /// <summary>This task's own row-weight column, or null.</summary>
    public string? WeightColumnName { get; }

    internal TaskDefinition Definition { get; }
}
