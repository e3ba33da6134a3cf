using MlNetMtl.Data;

namespace MlNetMtl.MLNet;

/// <summary>One task of a multi-task trainer: its name, the label column it learns from, its kind and loss weight.</summary>
public sealed record TaskColumn
{
    /// <summary>Defines a task.</summary>
    /// <param name="name">The task's name; it prefixes the output columns (<c>name.Score</c>, …).</param>
    /// <param name="labelColumnName">
    /// The label column. Binary tasks: Boolean, Single/Double 0/1, a 2-value key, or text — boolean words
    /// (true/false, yes/no, y/n, t/f, 1/0) read themselves, any other two values need <paramref name="positiveValue"/>.
    /// Regression: Single, Double, or text holding numbers. Multiclass: a key (k values), text class names, or
    /// Single/Double class indices 0 … k−1 with <paramref name="classCount"/> given. Missing cells (empty, ?, NA, NaN …)
    /// are missing labels.
    /// </param>
    /// <param name="kind">Binary (the default), regression or multiclass.</param>
    /// <param name="lossWeight">The task's weight in the summed training loss. Default 1.</param>
    /// <param name="missingLabels">
    /// Rows whose label is missing — NaN, a missing text cell, a key of 0, or <paramref name="missingLabelValue"/> — are an
    /// error (default, reported with their count) or are masked out of this task's loss and metrics.
    /// </param>
    /// <param name="missingLabelValue">A sentinel label value that means "missing" (e.g. −1), or null.</param>
    /// <param name="weightColumnName">A Single/Double column of per-row weights for this task only, or null.</param>
    /// <param name="classCount">Multiclass: the number of classes; 0 (default) reads it from the label (its key type, or its distinct text values).</param>
    /// <param name="positiveValue">Binary task with a text label: the value that is the positive class (every other value is negative), e.g. ">50K".</param>
    /// <param name="classNames">Multiclass: the classes' names in output order; null (default) reads them from the label at training.</param>
    public TaskColumn(string name, string labelColumnName, TaskKind? kind = null, float lossWeight = 1f,
        MissingLabelPolicy missingLabels = MissingLabelPolicy.Error, float? missingLabelValue = null, string? weightColumnName = null, int classCount = 0,
        string? positiveValue = null, IReadOnlyList<string>? classNames = null)
    {
        kind ??= TaskKind.Binary;
        if (classNames is not null)
        {
            if (!kind.HasClasses)
                throw new ArgumentException($"Task '{name}' is {kind.ToString().ToLowerInvariant()}; only a multiclass task has class names.", nameof(classNames));
            if (classCount != 0 && classCount != classNames.Count)
                throw new ArgumentException($"Multiclass task '{name}' says {classCount} classes but names {classNames.Count}.", nameof(classNames));
            var repeated = classNames.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (repeated is not null)
                throw new ArgumentException($"Multiclass task '{name}' names class '{repeated.Key}' twice.", nameof(classNames));
            classCount = classNames.Count;
        }
        _ = new TaskDefinition(name, kind, lossWeight, missingLabels, kind.HasClasses && classCount == 0 ? 2 : classCount); // validates
        if (string.IsNullOrWhiteSpace(labelColumnName))
            throw new ArgumentException($"Task '{name}' needs a label column name.", nameof(labelColumnName));
        if (missingLabelValue is { } sentinel && !float.IsFinite(sentinel))
            throw new ArgumentOutOfRangeException(nameof(missingLabelValue), sentinel, $"Task '{name}': the missing-label value must be finite (NaN is always missing).");
        if (positiveValue is not null && kind != TaskKind.Binary)
            throw new ArgumentException($"Task '{name}' is {kind.ToString().ToLowerInvariant()}; only a binary task has a positive value.", nameof(positiveValue));
        if (positiveValue is not null && TextValues.IsMissing(positiveValue))
            throw new ArgumentException($"Task '{name}': the positive value '{positiveValue}' reads as a missing label; name the value of the positive rows.", nameof(positiveValue));
        Name = name;
        LabelColumnName = labelColumnName;
        Kind = kind;
        LossWeight = lossWeight;
        MissingLabels = missingLabels;
        MissingLabelValue = missingLabelValue;
        WeightColumnName = string.IsNullOrWhiteSpace(weightColumnName) ? null : weightColumnName;
        ClassCount = kind.HasClasses ? classCount : 0;
        PositiveValue = positiveValue?.Trim();
        ClassNames = classNames?.ToArray();
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
    /// <summary>Multiclass: the number of classes, 0 until read from the label; 0 for other kinds.</summary>
    public int ClassCount { get; }
    /// <summary>Binary task with a text label: the positive class's value; null when the label is boolean.</summary>
    public string? PositiveValue { get; }
    /// <summary>Multiclass: the classes' names in output order (the slots of <c>T.Score</c>, the values of <c>T.PredictedLabel</c>); null when unnamed.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>The task as the network sees it.</summary>
    /// <exception cref="InvalidOperationException">A multiclass task whose class count is not known yet.</exception>
    internal TaskDefinition Definition => Kind.HasClasses && ClassCount == 0
        ? throw new InvalidOperationException($"Multiclass task '{Name}': the class count is read from label column '{LabelColumnName}' at Fit.")
        : new TaskDefinition(Name, Kind, LossWeight, MissingLabels, ClassCount);

    /// <summary>A definition good for checks of names and weights (a placeholder class count for an unresolved multiclass task).</summary>
    internal TaskDefinition DefinitionForChecks => new(Name, Kind, LossWeight, MissingLabels, Kind.HasClasses && ClassCount == 0 ? 2 : ClassCount);

    /// <summary>The same task with its classes set (names may be null for unnamed classes).</summary>
    internal TaskColumn WithClasses(int classCount, IReadOnlyList<string>? classNames) =>
        new(Name, LabelColumnName, Kind, LossWeight, MissingLabels, MissingLabelValue, WeightColumnName, classNames is null ? classCount : 0, PositiveValue, classNames);

    /// <summary>The same task reading another label column (e.g. the loader's converted copy).</summary>
    internal TaskColumn WithLabelColumn(string labelColumnName) =>
        new(Name, labelColumnName, Kind, LossWeight, MissingLabels, MissingLabelValue, WeightColumnName, ClassNames is null ? ClassCount : 0, PositiveValue, ClassNames);

    /// <summary>The same task with another missing-label policy.</summary>
    public TaskColumn WithMissingLabels(MissingLabelPolicy policy) =>
        new(Name, LabelColumnName, Kind, LossWeight, policy, MissingLabelValue, WeightColumnName, ClassNames is null ? ClassCount : 0, PositiveValue, ClassNames);

    /// <inheritdoc/>
    public bool Equals(TaskColumn? other) =>
        other is not null && Name == other.Name && LabelColumnName == other.LabelColumnName && Kind == other.Kind && LossWeight.Equals(other.LossWeight)
        && MissingLabels == other.MissingLabels && Nullable.Equals(MissingLabelValue, other.MissingLabelValue) && WeightColumnName == other.WeightColumnName
        && ClassCount == other.ClassCount && PositiveValue == other.PositiveValue
        && (ClassNames ?? []).SequenceEqual(other.ClassNames ?? [], StringComparer.Ordinal) && (ClassNames is null) == (other.ClassNames is null);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, LabelColumnName, Kind, LossWeight, MissingLabels, ClassCount, PositiveValue);
}
