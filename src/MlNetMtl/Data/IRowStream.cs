namespace MlNetMtl.Data;

/// <summary>
/// Training rows read in order, pass after pass, without holding them all in memory (a file larger than RAM, an
/// ML.NET binary <c>.idv</c>). Rows may be dense or sparse (hashed ids); the trainer shuffles them through a bounded
/// buffer, which keeps only the non-zeros of wide rows.
/// </summary>
public interface IRowStream
{
    /// <summary>The tasks, in the order of the labels a reader writes.</summary>
    IReadOnlyList<TaskDefinition> Tasks { get; }

    /// <summary>Width of a row.</summary>
    int Dimension { get; }

    /// <summary>Starts a pass from the first row.</summary>
    IRowReader Open();
}

/// <summary>One pass over an <see cref="IRowStream"/>.</summary>
public interface IRowReader : IDisposable
{
    /// <summary>
    /// Reads the next row: its features into <paramref name="features"/> (<see cref="RowFeatures.SetDense"/> or
    /// <see cref="RowFeatures.SetSparse"/>), one label per task (NaN = missing) and each task's weight of the row (1
    /// when unweighted); false after the last row.
    /// </summary>
    bool Read(RowFeatures features, Span<float> labels, Span<float> weights);
}
