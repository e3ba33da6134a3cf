namespace MlNetMtl.Data;

/// <summary>Feature rows with one label column per task, checked once so that NaN never enters training.</summary>
public sealed class MultiTaskDataset
{
    /// <summary>Builds a data set.</summary>
    /// <param name="features">The input rows.</param>
    /// <param name="tasks">The tasks, in the order of <paramref name="labels"/>.</param>
    /// <param name="labels">One array per task with one label per row.</param>
    /// <exception cref="ArgumentException">
    /// No task; duplicate task names; a label array count or length that does not match; a NaN or infinite
    /// label; a binary label other than 0 or 1. Each message names the task and row at fault.
    /// </exception>
    public MultiTaskDataset(FeatureMatrix features, IReadOnlyList<TaskDefinition> tasks, IReadOnlyList<float[]> labels)
    {
        ArgumentNullException.ThrowIfNull(features);
        TaskDefinition.ValidateList(tasks, nameof(tasks));
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count != tasks.Count)
            throw new ArgumentException($"There are {tasks.Count} tasks but {labels.Count} label arrays; give one per task.", nameof(labels));
        for (int t = 0; t < tasks.Count; t++)
            CheckLabels(tasks[t], labels[t], features.Rows);
        Features = features;
        Tasks = tasks.ToArray();
        Labels = labels.ToArray();
    }

    /// <summary>The input rows.</summary>
    public FeatureMatrix Features { get; }
    /// <summary>The tasks.</summary>
    public IReadOnlyList<TaskDefinition> Tasks { get; }
    /// <summary>Labels by task, then row.</summary>
    public IReadOnlyList<float[]> Labels { get; }
    /// <summary>Number of rows.</summary>
    public int Rows => Features.Rows;

    private static void CheckLabels(TaskDefinition task, float[] labels, int rows)
    {
        if (labels is null)
            throw new ArgumentException($"Task '{task.Name}' has no label array.", nameof(labels));
        if (labels.Length != rows)
            throw new ArgumentException($"Task '{task.Name}' has {labels.Length} labels but there are {rows} feature rows.", nameof(labels));
        for (int row = 0; row < labels.Length; row++)
        {
            float label = labels[row];
            if (!float.IsFinite(label))
                throw new ArgumentException($"Task '{task.Name}', row {row}: the label is {label}; labels must be finite.", nameof(labels));
            if (task.Kind == TaskKind.Binary && label != 0f && label != 1f)
                throw new ArgumentException($"Task '{task.Name}', row {row}: binary label {label} is not 0 or 1.", nameof(labels));
        }
    }
}
