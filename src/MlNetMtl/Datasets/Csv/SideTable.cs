using MlNetMtl.Data;

namespace MlNetMtl.Datasets.Csv;

/// <summary>
/// A small delimited file held in memory and looked up by a key column — the user or item table of a recommender log,
/// joined to each log row by <see cref="JoinedDataView"/>. Columns are read as text or numbers (a missing cell is NaN);
/// a key that appears twice, or a number that is not one, is an error naming the file, line and value.
/// </summary>
internal sealed class SideTable
{
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly string[][] _text;
    private readonly float[][] _numbers;

    private SideTable(string path, string keyColumn, CsvColumn[] columns, Dictionary<string, int> rowOfKey, string[][] text, float[][] numbers)
    {
        Path = path;
        KeyColumn = keyColumn;
        Columns = columns;
        _lookup = rowOfKey.GetAlternateLookup<ReadOnlySpan<char>>();
        _text = text;
        _numbers = numbers;
    }

    /// <summary>The file.</summary>
    public string Path { get; }
    /// <summary>The key column, matched against the log's column of the same name.</summary>
    public string KeyColumn { get; }
    /// <summary>The columns read besides the key, each <see cref="CsvColumnKind.Text"/> or <see cref="CsvColumnKind.Single"/>; Index is the position in this list.</summary>
    public IReadOnlyList<CsvColumn> Columns { get; }

    /// <summary>Reads <paramref name="path"/>: the key column and every column <paramref name="kind"/> gives a kind (null: not read).</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">The header lacks the key column, a key repeats, or a numeric column holds text.</exception>
    public static SideTable Read(string path, string keyColumn, Func<string, CsvColumnKind?> kind)
    {
        using var file = CsvFile.Open(path);
        int key = file.IndexOf(keyColumn);
        if (key < 0)
            throw new InvalidDataException($"'{path}' has no column '{keyColumn}' to join on (it has {string.Join(", ", file.Header.Take(8))}…).");
        var read = file.Header.Select((name, index) => (name, index, kind: index == key ? null : kind(name))).Where(c => c.kind is not null).ToArray();
        var columns = read.Select((c, i) => new CsvColumn(c.name, i, c.kind!.Value)).ToArray();
        var text = read.Select(_ => new List<string>()).ToArray();
        var numbers = read.Select(_ => new List<float>()).ToArray();
        var rowOfKey = new Dictionary<string, int>(StringComparer.Ordinal);
        while (file.Read())
        {
            string id = file.String(key);
            if (!rowOfKey.TryAdd(id, rowOfKey.Count))
                throw new InvalidDataException($"'{path}', line {file.Line}: {keyColumn} {TextValues.Quote(id)} appears a second time; each key needs one row.");
            for (int c = 0; c < read.Length; c++)
            {
                if (columns[c].Kind == CsvColumnKind.Text)
                {
                    text[c].Add(file.String(read[c].index));
                    continue;
                }
                var cell = file.Chars(read[c].index);
                numbers[c].Add(TextValues.TryReadNumericCell(cell, out float value) ? value
                    : throw new InvalidDataException($"'{path}', line {file.Line}, column '{columns[c].Name}': {TextValues.Quote(cell)} is not a number."));
            }
        }
        return new SideTable(path, keyColumn, columns, rowOfKey, text.Select(t => t.ToArray()).ToArray(), numbers.Select(n => n.ToArray()).ToArray());
    }

    /// <summary>The row of <paramref name="key"/>, or −1 when the table has none.</summary>
    public int RowOf(ReadOnlySpan<char> key) => _lookup.TryGetValue(key, out int row) ? row : -1;

    /// <summary>Text column <paramref name="column"/> at <paramref name="row"/>; empty (missing) for row −1.</summary>
    public string Text(int column, int row) => row < 0 ? "" : _text[column][row];

    /// <summary>Numeric column <paramref name="column"/> at <paramref name="row"/>; NaN (missing) for row −1.</summary>
    public float Number(int column, int row) => row < 0 ? float.NaN : _numbers[column][row];

    /// <summary>The number of distinct values of text column <paramref name="column"/>.</summary>
    public int DistinctValues(int column) => _text[column].Distinct(StringComparer.Ordinal).Count();
}
