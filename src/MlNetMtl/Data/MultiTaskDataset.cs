namespace MlNetMtl.Data;

/// <summary>
/// Feature rows with one label column per task and optional sample weights, checked once so that NaN never enters
/// training: a NaN label is an error unless its task masks missing labels, and then it weighs 0 in that task.
/// </summary>
public sealed class MultiTaskDataset
{
    /// <summary>Builds a data set.</summary>
    /// <param name="features">The input rows.</param>
    /// <param name="tasks">The tasks, in the order of <paramref name="labels"/>.</param>
    /// <param name="labels">One array per task with one label per row (NaN = missing, for tasks that mask missing labels).</param>
    /// <param name="rowWeights">Optional weight of each row in every task's loss (e.g. a survey weight); finite and ≥ 0.</param>
    /// <param name="taskWeights">Optional per-task row weights (an entry may be null), multiplied with <paramref name="rowWeights"/>.</param>
    /// <exception cref="ArgumentException">
    /// No task; duplicate task names; a label or weight array count or length that does not match; an infinite
    /// label, or a NaN one in a task that does not mask missing labels; a binary label other than 0 or 1; a task
    /// left with no labelled row; a negative or non-finite weight. Each message names the task and row at fault.
    /// </exception>
    public MultiTaskDataset(FeatureMatrix features, IReadOnlyList<TaskDefinition> tasks, IReadOnlyList<float[]> labels,
        float[]? rowWeights = null, IReadOnlyList<float[]?>? taskWeights = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        TaskDefinition.ValidateList(tasks, nameof(tasks));
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count != tasks.Count)
            throw new ArgumentException($"There are {tasks.Count} tasks but {labels.Count} label arrays; give one per task.", nameof(labels));
        for (int t = 0; t < tasks.Count; t++)
            CheckLabels(tasks[t], labels[t], features.Rows);
        CheckWeights(rowWeights, "row weights", features.Rows);
        if (taskWeights is not null && taskWeights.Count != tasks.Count)
            throw new ArgumentException($"There are {tasks.Count} tasks but {taskWeights.Count} task weight arrays.", nameof(taskWeights));
        for (int t = 0; t < (taskWeights?.Count ?? 0); t++)
            CheckWeights(taskWeights![t], $"task '{tasks[t].Name}' weights", features.Rows);
        Features = features;
        Tasks = tasks.ToArray();
        Labels = labels.ToArray();
        RowWeights = rowWeights;
        TaskWeights = taskWeights?.ToArray() ?? new float[]?[tasks.Count];
    }

    /// <summary>The input rows.</summary>
    public FeatureMatrix Features { get; }
    /// <summary>The tasks.</summary>
    public IReadOnlyList<TaskDefinition> Tasks { get; }
    /// <summary>Labels by task, then row.</summary>
    public IReadOnlyList<float[]> Labels { get; }
    /// <summary>Number of rows.</summary>
    public int Rows => Features.Rows;
    /// <summary>Weight of each row in every task, or null (all 1).</summary>
    public float[]? RowWeights { get; }
    /// <summary>Per-task row weights (entries null where a task has none).</summary>
    public IReadOnlyList<float[]?> TaskWeights { get; }

    /// <summary>Each row's user (any integer id), for user-level differential privacy; null when none is known. Default null.</summary>
    /// <exception cref="ArgumentException">The array's length is not the number of rows.</exception>
    public int[]? Users
    {
        get => _users;
        init => _users = value is null || value.Length == Rows ? value
            : throw new ArgumentException($"There are {Rows} rows but {value.Length} user ids; give one per row.", nameof(Users));
    }

    private readonly int[]? _users;

    /// <summary>The weight of <paramref name="row"/> in task <paramref name="task"/>'s loss: 0 for a missing label.</summary>
    public float Weight(int task, int row)
    {
        float label = Labels[task][row];
        if (float.IsNaN(label))
            return 0f;
        return (RowWeights?[row] ?? 1f) * (TaskWeights[task]?[row] ?? 1f);
    }

    private static void CheckLabels(TaskDefinition task, float[] labels, int rows)
    {
        if (labels is null)
            throw new ArgumentException($"Task '{task.Name}' has no label array.", nameof(labels));
        if (labels.Length != rows)
            throw new ArgumentException($"Task '{task.Name}' has {labels.Length} labels but there are {rows} feature rows.", nameof(labels));
        int labelled = 0;
        for (int row = 0; row < labels.Length; row++)
            if (CheckLabel(task, labels[row], row))
                labelled++;
        if (labelled == 0 && rows > 0)
            throw new ArgumentException($"Task '{task.Name}' has no labelled row: every label is missing.", nameof(labels));
    }

    /// <summary>Throws when <paramref name="label"/> is not valid for <paramref name="task"/>; returns false for a masked missing label.</summary>
    internal static bool CheckLabel(TaskDefinition task, float label, long row)
    {
        if (float.IsNaN(label) && task.MissingLabels == MissingLabelPolicy.Mask)
            return false;
        if (!float.IsFinite(label))
            throw new ArgumentException($"Task '{task.Name}', row {row}: the label is {label}; labels must be finite" +
                (float.IsNaN(label) ? " (or let the task mask missing labels)." : "."), "labels");
        if (task.Kind.LabelProblem(label, task.ClassCount) is { } problem)
            throw new ArgumentException($"Task '{task.Name}', row {row}: {problem}.", "labels");
        return true;
    }

    private static void CheckWeights(float[]? weights, string what, int rows)
    {
        if (weights is null)
            return;
        if (weights.Length != rows)
            throw new ArgumentException($"The {what} have {weights.Length} values but there are {rows} rows.", nameof(weights));
        for (int row = 0; row < weights.Length; row++)
            if (!(weights[row] >= 0 && float.IsFinite(weights[row])))
                throw new ArgumentException($"The {what}: row {row} has weight {weights[row]}; weights must be finite and ≥ 0.", nameof(weights));
    }
}
