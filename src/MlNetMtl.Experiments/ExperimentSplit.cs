using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetMtl.Experiments;

/// <summary>How an experiment holds rows out: at random, by whole groups (users), or by time (the latest rows).</summary>
public enum SplitKind
{
    /// <summary>Rows at random (seeded).</summary>
    Random,
    /// <summary>Whole groups of a column (e.g. users) at random: every row of a group falls on one side (cold-start evaluation).</summary>
    Group,
    /// <summary>The latest rows by a numeric time column: train on the past, test on the future.</summary>
    Time,
}

/// <summary>Splits rows into a training and a held-out part, each of which must keep rows.</summary>
public static class ExperimentSplit
{
    /// <summary>Holds out about <paramref name="fraction"/> of <paramref name="data"/>'s rows.</summary>
    /// <param name="ml">The context.</param>
    /// <param name="data">The rows.</param>
    /// <param name="fraction">The share held out, in (0, 1).</param>
    /// <param name="kind">How rows are chosen.</param>
    /// <param name="column">The group column (<see cref="SplitKind.Group"/>) or the time column (<see cref="SplitKind.Time"/>).</param>
    /// <param name="seed">Seeds random and group splits.</param>
    /// <exception cref="ArgumentException">The column is missing or of the wrong type, a time is missing, or one side would be empty.</exception>
    public static (IDataView Train, IDataView HeldOut) Split(MLContext ml, IDataView data, double fraction, SplitKind kind, string? column, int seed)
    {
        ArgumentNullException.ThrowIfNull(ml);
        if (!(fraction > 0 && fraction < 1))
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The held-out share must be between 0 and 1.");
        if (kind != SplitKind.Random && (column is null || data.Schema.GetColumnOrNull(column) is null))
            throw new ArgumentException($"A {kind.ToString().ToLowerInvariant()} split needs a column of the data; '{column}' is not one ({string.Join(", ", data.Schema.Where(c => !c.IsHidden).Select(c => c.Name))}).", nameof(column));
        var (train, heldOut) = kind == SplitKind.Time ? ByTime(ml, data, fraction, column!) : RandomSplit(ml, data, fraction, kind == SplitKind.Group ? column : null, seed);
        if (!HasRows(train) || !HasRows(heldOut))
            throw new ArgumentException($"Holding out {fraction:P0} of the rows{(kind == SplitKind.Random ? "" : $" by {kind.ToString().ToLowerInvariant()} column '{column}'")} left one side empty: " +
                "give more rows (or groups, or distinct times), or a file for each side.");
        return (train, heldOut);
    }

    private static (IDataView, IDataView) RandomSplit(MLContext ml, IDataView data, double fraction, string? group, int seed)
    {
        var split = ml.Data.TrainTestSplit(data, fraction, samplingKeyColumnName: group, seed: seed);
        return (split.TrainSet, split.TestSet);
    }

    /// <summary>The rows after the time that leaves <paramref name="fraction"/> of them later, held out; ties stay in training.</summary>
    private static (IDataView, IDataView) ByTime(MLContext ml, IDataView data, double fraction, string column)
    {
        var time = data.Schema[column];
        if (time.Type != NumberDataViewType.Single && time.Type != NumberDataViewType.Double)
            throw new ArgumentException($"A time split needs a numeric time column (e.g. a Unix timestamp or yyyymmdd); '{column}' holds {time.Type}.", nameof(column));
        var times = Times(data, time);
        int missing = times.Count(double.IsNaN);
        if (missing > 0)
            throw new ArgumentException($"Time column '{column}' has {missing:N0} missing values; a time split needs a time on every row.", nameof(column));
        Array.Sort(times);
        double cut = times[Math.Clamp((int)Math.Floor(times.Length * (1 - fraction)) - 1, 0, times.Length - 1)];
        double after = Math.BitIncrement(cut); // FilterRowsByColumn keeps lower ≤ t < upper
        return (ml.Data.FilterRowsByColumn(data, column, double.NegativeInfinity, after), ml.Data.FilterRowsByColumn(data, column, after, double.PositiveInfinity));
    }

    private static double[] Times(IDataView data, DataViewSchema.Column column)
    {
        var times = new List<double>();
        using var cursor = data.GetRowCursor([column]);
        if (column.Type == NumberDataViewType.Double)
        {
            var getter = cursor.GetGetter<double>(column);
            double value = 0;
            while (cursor.MoveNext())
            {
                getter(ref value);
                times.Add(value);
            }
        }
        else
        {
            var getter = cursor.GetGetter<float>(column);
            float value = 0;
            while (cursor.MoveNext())
            {
                getter(ref value);
                times.Add(value);
            }
        }
        return times.ToArray();
    }

    private static bool HasRows(IDataView data)
    {
        using var cursor = data.GetRowCursor([]);
        return cursor.MoveNext();
    }
}
