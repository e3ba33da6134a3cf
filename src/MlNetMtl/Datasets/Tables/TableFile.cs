using MlNetMtl.Datasets.Csv;

namespace MlNetMtl.Datasets.Tables;

/// <summary>
/// A table read one record at a time, its cells as text: a delimited file (<see cref="CsvFile"/>), a Parquet file
/// (<see cref="ParquetTable"/>) or a folder of shards of either kind (<see cref="ShardedTable"/>), read as one table. It is
/// the only way MlNetMtl reads such data, so column inference, training and prediction see the same cells. A record's
/// place is a <see cref="Mark"/>, which <see cref="At"/>, <see cref="Of"/> and <see cref="Within"/> turn into words for messages.
/// </summary>
internal abstract class TableFile : IDisposable
{
    /// <summary>The file or folder that was opened.</summary>
    public abstract string Path { get; }
    /// <summary>The column names, trimmed.</summary>
    public abstract IReadOnlyList<string> Header { get; }
    /// <summary>The field separator of delimited text (for a Parquet table, the comma MlNetMtl writes).</summary>
    public abstract char Separator { get; }
    /// <summary>The current record's place: a file's 1-based line (delimited text) or row (Parquet), the shard in the bits above <see cref="ShardShift"/>.</summary>
    public abstract long Mark { get; }

    /// <summary>Bits of a mark below its shard's index.</summary>
    public const int ShardShift = 40;

    /// <summary>The position of column <paramref name="name"/> in <see cref="Header"/>, or −1.</summary>
    public int IndexOf(string name)
    {
        for (int i = 0; i < Header.Count; i++)
            if (Header[i] == name)
                return i;
        return -1;
    }

    /// <summary>Moves to the next record; false at the end of the table.</summary>
    /// <exception cref="InvalidDataException">The record cannot be read (the file and its place are named).</exception>
    public abstract bool Read();

    /// <summary>Field <paramref name="column"/> of the current record as text, trimmed (empty when missing); valid until the next <see cref="Read"/>.</summary>
    public abstract ReadOnlySpan<char> Chars(int column);

    /// <summary>Field <paramref name="column"/> of the current record as a string.</summary>
    public virtual string String(int column) => Chars(column).ToString();

    public abstract void Dispose();

    /// <summary>Opens <paramref name="path"/>: a folder of shards, a Parquet file (<c>.parquet</c>), else delimited text.</summary>
    /// <exception cref="FileNotFoundException">There is no such file or folder.</exception>
    /// <exception cref="InvalidDataException">The table cannot be read as its kind (the reason is named).</exception>
    public static TableFile Open(string path) =>
        Directory.Exists(path) ? ShardedTable.Open(path) : IsParquet(path) ? ParquetTable.Open(path) : CsvFile.Open(path);

    /// <summary>Whether <paramref name="path"/> names a Parquet file by its ending.</summary>
    public static bool IsParquet(string path) => path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase);

    /// <summary>Where <paramref name="mark"/> of the table at <paramref name="path"/> is, to begin a message: <c>'a.csv', line 12</c>.</summary>
    public static string At(string path, long mark)
    {
        var (file, unit, number) = Locate(path, mark);
        return $"'{file}', {unit} {number}";
    }

    /// <summary>Where <paramref name="mark"/> of the table at <paramref name="path"/> is, within a message: <c>line 12 of 'a.csv'</c>.</summary>
    public static string Of(string path, long mark)
    {
        var (file, unit, number) = Locate(path, mark);
        return $"{unit} {number} of '{file}'";
    }

    /// <summary>
    /// Where <paramref name="mark"/> is, in a message that names the table at <paramref name="path"/> already: <c>line 12</c>
    /// of a file, <c>line 12 of 'part-2.csv'</c> in a folder of shards.
    /// </summary>
    public static string Within(string path, long mark) => Directory.Exists(path) ? Of(path, mark) : $"{Locate(path, mark).Unit} {mark}";

    private static (string File, string Unit, long Number) Locate(string path, long mark)
    {
        if (Directory.Exists(path))
        {
            var shards = ShardedTable.Shards(path);
            int shard = (int)(mark >> ShardShift);
            path = shard < shards.Length ? shards[shard] : System.IO.Path.Combine(path, $"shard {shard + 1}");
            mark &= (1L << ShardShift) - 1;
        }
        return (path, IsParquet(path) ? "row" : "line", mark);
    }
}
