using MlNetMtl.Networks;

namespace MlNetMtl.Training;

/// <summary>
/// How work is cut among the workers of a parallel step — the rows of a mini-batch, and each parameter's gradient rows —
/// in one place, so that the worker that sums a part of a gradient across replicas is the one that updates it.
/// </summary>
internal static class WorkParts
{
    /// <summary>Fewest rows worth a worker of their own: below that the dispatch costs more than it saves.</summary>
    public const int MinimumShardRows = 32;

    /// <summary>How many shards a mini-batch of <paramref name="rows"/> is cut into for <paramref name="workers"/> workers (threads or processes).</summary>
    public static int Shards(int rows, int workers) => Math.Clamp(rows / MinimumShardRows, 1, workers);

    /// <summary>Part <paramref name="part"/> of <paramref name="parts"/> near-equal contiguous parts of <paramref name="length"/>.</summary>
    public static (int Start, int Length) Range(int part, int parts, int length)
    {
        int start = (int)((long)length * part / parts), end = (int)((long)length * (part + 1) / parts);
        return (start, end - start);
    }

    /// <summary>The elements of a dense gradient (whole rows: row-wise optimizers keep state per row) that part <paramref name="part"/> owns.</summary>
    public static (int Start, int Length) Dense(Parameter parameter, int part, int parts)
    {
        var (row, rows) = Range(part, parts, parameter.Rows);
        return (row * parameter.Columns, rows * parameter.Columns);
    }
}
