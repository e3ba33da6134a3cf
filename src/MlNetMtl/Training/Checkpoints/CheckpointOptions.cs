namespace MlNetMtl.Training.Checkpoints;

/// <summary>
/// Where and how often a training run saves what it needs to continue — weights, optimizer state, the position in the
/// data and of every random generator, the epochs' history — and whether this run continues from such a file. A run
/// resumed from a checkpoint reaches the weights the uninterrupted run would have, to the bit.
/// </summary>
public sealed record CheckpointOptions
{
    /// <summary>Checkpoints to and from <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    public CheckpointOptions(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = path;
    }

    /// <summary>
    /// The checkpoint file: replaced whole at each checkpoint (the previous one stays until the new one is complete), and
    /// left in place when the run ends — delete it once the model is saved.
    /// </summary>
    public string Path { get; init; }

    /// <summary>Mini-batch steps between checkpoints. Default 1000.</summary>
    public int EverySteps { get; init; } = 1000;

    /// <summary>
    /// Continue the run the checkpoint at <see cref="Path"/> saved, with the same data and options (a difference is named).
    /// Default false: a run starts afresh, and refuses to when a checkpoint is already at <see cref="Path"/> (it would be
    /// overwritten).
    /// </summary>
    public bool Resume { get; init; }

    /// <summary>
    /// Throws when the run cannot start as asked: resuming without a checkpoint at <see cref="Path"/>, or starting afresh
    /// over one (which would replace an interrupted run's only way back).
    /// </summary>
    /// <exception cref="ArgumentException">Which, naming the path and what to do.</exception>
    public void CheckStart()
    {
        bool exists = File.Exists(Path);
        if (Resume && !exists)
            throw new ArgumentException($"There is no checkpoint '{Path}' to resume from: a run writes one every {EverySteps:N0} steps when asked " +
                "(Checkpoint.EverySteps; on the command line --checkpoint-every N).");
        if (!Resume && exists)
            throw new ArgumentException($"Checkpoint '{Path}' exists, left by an interrupted or earlier run: resume it (Checkpoint.Resume; on the command line --resume), " +
                "or delete or move it to start afresh.");
    }

    /// <summary>Throws when an option is out of range, naming it.</summary>
    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Path, nameof(Path));
        if (EverySteps < 1)
            throw new ArgumentOutOfRangeException(nameof(EverySteps), EverySteps, "Checkpoint.EverySteps must be ≥ 1.");
    }
}
