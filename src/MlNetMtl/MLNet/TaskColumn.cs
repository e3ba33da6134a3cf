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
    public TaskColumn(string name, string labelColumnName, TaskKind kind = TaskKind.Binary, float lossWeight = 1f)
    {
        Definition = new TaskDefinition(name, kind, lossWeight);
        if (string.IsNullOrWhiteSpace(labelColumnName))
            throw new ArgumentException($"Task '{name}' needs a label column name.", nameof(labelColumnName));
        LabelColumnName = labelColumnName;
    }

    /// <summary>The task's name.</summary>
    public string Name => Definition.Name;
    /// <summary>The label column's name.</summary>
    public string LabelColumnName { get; }
    /// <summary>Binary or regression.</summary>
    public TaskKind Kind => Definition.Kind;
    /// <summary>The task's weight in the summed training loss.</summary>
    public float LossWeight => Definition.LossWeight;

    internal TaskDefinition Definition { get; }
}
