namespace MlNetMtl.Datasets.Tables;

/// <summary>
/// A folder of shards read as one table, shard after shard in name order: its Parquet files (<c>*.parquet</c>), or, when it
/// holds none, its delimited text files (<c>*.csv</c>, <c>*.tsv</c>, <c>*.txt</c>). Every shard has the first one's columns,
/// in the same order; a record's <see cref="TableFile.Mark"/> holds its shard, so messages name the shard's own file.
/// Sub-folders and other files are not read.
/// </summary>
internal sealed class ShardedTable : TableFile
{
    private static readonly string[] TextEndings = [".csv", ".tsv", ".txt"];
    private readonly string[] _shards;
    private TableFile _current;
    private int _shard;

    private ShardedTable(string path, string[] shards, TableFile first)
    {
        Path = path;
        _shards = shards;
        _current = first;
        Header = first.Header;
        Separator = first.Separator;
    }

    public override string Path { get; }
    public override IReadOnlyList<string> Header { get; }
    public override char Separator { get; }
    public override long Mark => ((long)_shard << ShardShift) | _current.Mark;

    /// <summary>The shards of the folder at <paramref name="path"/>, in the order they are read (full paths; none when it holds no data files).</summary>
    public static string[] Shards(string path)
    {
        var files = Directory.GetFiles(path).Order(StringComparer.Ordinal).ToArray();
        var parquet = files.Where(IsParquet).ToArray();
        return parquet.Length > 0 ? parquet : files.Where(f => TextEndings.Any(e => f.EndsWith(e, StringComparison.OrdinalIgnoreCase))).ToArray();
    }

    /// <summary>Opens the folder at <paramref name="path"/> and its first shard.</summary>
    /// <exception cref="FileNotFoundException">The folder holds no Parquet or delimited text files.</exception>
    public static new ShardedTable Open(string path)
    {
        var shards = Shards(path);
        if (shards.Length == 0)
            throw new FileNotFoundException($"The folder '{path}' holds no data files (.parquet, or .csv, .tsv, .txt) to read as shards of one table.", path);
        if (shards.Length > 1 << (63 - ShardShift))
            throw new InvalidDataException($"The folder '{path}' holds {shards.Length:N0} shards; at most {1 << (63 - ShardShift):N0} are read as one table.");
        return new ShardedTable(path, shards, TableFile.Open(shards[0]));
    }

    public override bool Read()
    {
        while (!_current.Read())
        {
            if (_shard + 1 >= _shards.Length)
                return false;
            var next = TableFile.Open(_shards[_shard + 1]);
            if (!next.Header.SequenceEqual(Header, StringComparer.Ordinal))
            {
                next.Dispose();
                throw new InvalidDataException($"The shard '{_shards[_shard + 1]}' has the columns {string.Join(", ", next.Header)}; '{_shards[0]}', the folder's first, has " +
                    $"{string.Join(", ", Header)}: every shard of '{Path}' needs the same columns in the same order.");
            }
            _current.Dispose();
            _current = next;
            _shard++;
        }
        return true;
    }

    public override ReadOnlySpan<char> Chars(int column) => _current.Chars(column);
    public override string String(int column) => _current.String(column);
    public override void Dispose() => _current.Dispose();
}
