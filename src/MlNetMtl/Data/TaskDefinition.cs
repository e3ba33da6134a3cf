namespace MlNetMtl.Data;

/// <summary>One prediction task of a multi-task model.</summary>
public sealed record TaskDefinition
{
    /// <summary>Defines a task.</summary>
    /// <param name="name">A non-empty name, unique within the model.</param>
    /// <param name="kind">Binary, regression or multiclass.</param>
    /// <param name="lossWeight">The task's fixed weight in the summed loss; finite and ≥ 0. Default 1.</param>
    /// <param name="missingLabels">What rows with a NaN label do: throw (default) or drop out of this task's loss.</param>
    /// <param name="classCount">For multiclass tasks, the number of classes k ≥ 2; ignored otherwise.</param>
    /// <exception cref="ArgumentException">The name is blank, the weight is negative or not finite, or a multiclass task has fewer than 2 classes.</exception>
    public TaskDefinition(string name, TaskKind kind, float lossWeight = 1f, MissingLabelPolicy missingLabels = MissingLabelPolicy.Error, int classCount = 0)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException("A task needs a non-empty name.", nameof(name));
        if (!float.IsFinite(lossWeight) || lossWeight < 0)
            throw new ArgumentOutOfRangeException(nameof(lossWeight), lossWeight, $"Task '{name}': the loss weight must be finite and ≥ 0.");
        ArgumentNullException.ThrowIfNull(kind);
        if (!Enum.IsDefined(missingLabels))
            throw new ArgumentOutOfRangeException(nameof(missingLabels), missingLabels, $"Task '{name}': unknown missing-label policy.");
        if (kind.HasClasses && classCount < 2)
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, $"Multiclass task '{name}' needs at least 2 classes.");
        Name = name;
        Kind = kind;
        LossWeight = lossWeight;
        MissingLabels = missingLabels;
        ClassCount = kind.HasClasses ? classCount : 0;
    }

    /// <summary>The task's name.</summary>
    public string Name { get; }
    /// <summary>Binary, regression or multiclass.</summary>
    public TaskKind Kind { get; }
    /// <summary>The task's weight in the summed training loss.</summary>
    public float LossWeight { get; }
    /// <summary>What rows with a missing (NaN) label do.</summary>
    public MissingLabelPolicy MissingLabels { get; }
    /// <summary>Number of classes of a multiclass task; 0 for other kinds.</summary>
    public int ClassCount { get; }
    /// <summary>Outputs the network gives this task per row: the class count for multiclass tasks, else 1.</summary>
    public int OutputWidth => Kind.OutputWidth(ClassCount);

    /// <summary>Checks a task list: at least one task, names unique.</summary>
    internal static void ValidateList(IReadOnlyList<TaskDefinition> tasks, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(tasks, parameterName);
        if (tasks.Count == 0)
            throw new ArgumentException("A multi-task model needs at least one task; none were given.", parameterName);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var task in tasks)
        {
            ArgumentNullException.ThrowIfNull(task, parameterName);
            if (!names.Add(task.Name))
                throw new ArgumentException($"Task name '{task.Name}' is used twice; task names must be unique.", parameterName);
        }
        if (tasks.All(t => t.LossWeight == 0))
            throw new ArgumentException("Every task has loss weight 0: nothing would be trained.", parameterName);
    }
}
