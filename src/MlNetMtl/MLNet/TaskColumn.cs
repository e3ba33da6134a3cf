using MlNetMtl.Data;

namespace MlNetMtl;

/// <summary>One task of a multi-task trainer: its name, the label column it learns from, its kind and loss weight.</summary>
public sealed record TaskColumn
{
    /// <summary>Defines a task.</summary>
    /// <param name="name">The task's name; it prefixes the output columns (<c>name.Score</c>, …).</param>
    /// <param name="labelColumnName">
    /// The label column: Boolean, Single, Double or a 2-value key for binary tasks; Single or Double for regression;
    /// a key (k values) for multiclass tasks, or Single/Double class indices 0 … k−1 with <paramref name="classCount"/> given.
    /// </param>
    /// <param name="kind">Binary, regression or multiclass.</param>
    /// <param name="lossWeight">The task's weight in the summed training loss. Default 1.</param>
    /// <param name="missingLabels">
    /// Rows whose label is missing — NaN, a key of 0, or <paramref name="missingLabelValue"/> — are an error
    /// (default, reported with their count) or are masked out of this task's loss and metrics.
    /// </param>
    /// <param name="missingLabelValue">A sentinel label value that means "missing" (e.g. −1), or null.</param>
    /// <param name="weightColumnName">A Single/Double column of per-row weights for this task only, or null.</param>
    /// <param name="classCount">Multiclass: the number of classes; 0 (default) reads it from the key-typed label column.</param>
    public TaskColumn(string name, string labelColumnName, TaskKind kind = TaskKind.Binary, float lossWeight = 1f,
        MissingLabelPolicy missingLabels = MissingLabelPolicy.Error, float? missingLabelValue = null, string? weightColumnName = null, int classCount = 0)
    {
        _ = new TaskDefinition(name, kind, lossWeight, missingLabels, kind == TaskKind.Multiclass && classCount == 0 ? 2 : classCount); // validates
        if (string.IsNullOrWhiteSpace(labelColumnName))
            throw new ArgumentException($"Task '{name}' needs a label column name.", nameof(labelColumnName));
        if (missingLabelValue is { } sentinel && !float.IsFinite(sentinel))
            throw new ArgumentOutOfRangeException(nameof(missingLabelValue), sentinel, $"Task '{name}': the missing-label value must be finite (NaN is always missing).");
        Name = name;
        LabelColumnName = labelColumnName;
        Kind = kind;
        LossWeight = lossWeight;
        MissingLabels = missingLabels;
        MissingLabelValue = missingLabelValue;
        WeightColumnName = string.IsNullOrWhiteSpace(weightColumnName) ? null : weightColumnName;
        ClassCount = kind == TaskKind.Multiclass ? classCount : 0;
    }

    /// <summary>The task's name.</summary>
    public string Name { get; }
    /// <summary>The label column's name.</summary>
    public string LabelColumnName { get; }
    /// <summary>Binary, regression or multiclass.</summary>
    public TaskKind Kind { get; }
    /// <summary>The task's weight in the summed training loss.</summary>
    public float LossWeight { get; }
    /// <summary>What rows with a missing label do.</summary>
    public MissingLabelPolicy MissingLabels { get; }
    /// <summary>A label value that means "missing", besides NaN; null when there is none.</summary>
    public float? MissingLabelValue { get; }
    /// <summary>This task's own row-weight column, or null.</summary>
    public string? WeightColumnName { get; }
    /// <summary>Multiclass: the number of classes, 0 until read from the label's key type; 0 for other kinds.</summary>
    public int ClassCount { get; }

    /// <summary>The task as the network sees it.</summary>
    /// <exception cref="InvalidOperationException">A multiclass task whose class count is not known yet.</exception>
    internal TaskDefinition Definition => Kind == TaskKind.Multiclass && ClassCount == 0
        ? throw new InvalidOperationException($"Multiclass task '{Name}': the class count is read from label column '{LabelColumnName}' at Fit.")
        : new TaskDefinition(Name, Kind, LossWeight, MissingLabels, ClassCount);

    /// <summary>A definition good for checks of names and weights (a placeholder class count for an unresolved multiclass task).</summary>
    internal TaskDefinition DefinitionForChecks => new(Name, Kind, LossWeight, MissingLabels, Kind == TaskKind.Multiclass && ClassCount == 0 ? 2 : ClassCount);

    /// <summary>The same task with its class count set.</summary>
    internal TaskColumn WithClassCount(int classCount) =>
        new(Name, LabelColumnName, Kind, LossWeight, MissingLabels, MissingLabelValue, WeightColumnName, classCount);
}
