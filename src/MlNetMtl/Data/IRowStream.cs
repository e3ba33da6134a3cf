namespace MlNetMtl.Data;

/// <summary>
/// Training rows read in order, pass after pass, without holding them all in memory (a file larger than RAM, an
/// ML.NET binary <c>.idv</c>). Rows are dense; the trainer shuffles them through a bounded buffer.
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
    /// Reads the next row: <paramref name="features"/> (Dimension values), one label per task (NaN = missing) and
    /// each task's weight of the row (1 when unweighted); false after the last row.
    /// </summary>
    bool Read(Span<float> features, Span<float> labels, Span<float> weights);
}
