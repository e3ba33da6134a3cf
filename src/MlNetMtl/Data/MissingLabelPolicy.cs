namespace MlNetMtl.Data;

/// <summary>What a task does with rows whose label is missing (NaN).</summary>
public enum MissingLabelPolicy
{
    /// <summary>A missing label is an error that names the task and row. The default.</summary>
    Error,
    /// <summary>
    /// Rows with a missing label are left out of this task's loss (they weigh 0) but still train the other tasks:
    /// for data labelled for only some tasks, or ESMM's conversion label on non-clicked rows.
    /// </summary>
    Mask,
}
