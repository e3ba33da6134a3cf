using System.Globalization;
using CsvHelper;

namespace MlNetMtl.Datasets;

/// <summary>
/// Infers each column's role from a delimited file's header and first rows, as Model Builder does: numbers are
/// numeric (or ids, when named like one), two-valued columns boolean, text with few distinct values categorical,
/// long multi-word text free text, other text ids. Labels and ignored columns are given; any role can be overridden.
/// </summary>
public static class ColumnInference
{
    /// <summary>Rows read to infer roles.</summary>
    public const int RowsToInspect = 5_000;
    /// <summary>Most distinct values of a categorical text column.</summary>
    public const int MaxCategories = 100;

    private static readonly HashSet<string> Missing = new(["", "?", "NA", "N/A", "null", "NULL", "NaN", "nan"], StringComparer.Ordinal);
    private static readonly HashSet<string> BooleanWords = new(["true", "false", "yes", "no", "t", "f", "y", "n"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Infers the roles of <paramref name="path"/>'s columns.</summary>
    /// <param name="path">A comma-, tab- or semicolon-separated file with a header row (quoted fields allowed).</param>
    /// <param name="labelColumns">The tasks' label columns.</param>
    /// <param name="ignoreColumns">Columns that are neither features nor labels.</param>
    /// <param name="overrides">Roles set by the user, by column name; they win over inference.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is empty, has no data rows, or repeats a header name.</exception>
    /// <exception cref="ArgumentException">A label, ignored or overridden column is not in the header (the header is listed).</exception>
    public static InferredSchema Infer(string path, IEnumerable<string> labelColumns, IEnumerable<string>? ignoreColumns = null,
        IReadOnlyDictionary<string, ColumnRole>? overrides = null)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"No data file at '{path}'.", path);
        string first = File.ReadLines(path).FirstOrDefault() ?? throw new InvalidDataException($"'{path}' is empty.");
        char separator = first.Contains('\t') ? '\t' : first.Count(c => c == ';') > first.Count(c => c == ',') ? ';' : ',';
        using var reader = new StreamReader(path);
        using var csv = new CsvDataReader(CsvReader.Create(reader, new CsvReaderOptions { Separator = separator, HasHeader = true, TrimWhitespace = true }), leaveOpen: false);
        var header = Enumerable.Range(0, csv.FieldCount).Select(csv.GetName).ToArray();
        var duplicate = header.GroupBy(h => h).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new InvalidDataException($"Column '{duplicate.Key}' appears twice in the header of '{path}'.");
        var stats = header.Select(_ => new ColumnStats()).ToArray();
        int rows = 0;
        while (rows < RowsToInspect && csv.Read())
        {
            for (int c = 0; c < header.Length; c++)
                stats[c].Add(csv.IsDBNull(c) ? "" : csv.GetString(c));
            rows++;
        }
        if (rows == 0)
            throw new InvalidDataException($"'{path}' has a header but no data rows.");

        var labels = labelColumns.ToHashSet(StringComparer.Ordinal);
        var ignored = (ignoreColumns ?? []).ToHashSet(StringComparer.Ordinal);
        overrides ??= new Dictionary<string, ColumnRole>();
        foreach (string name in labels.Concat(ignored).Concat(overrides.Keys))
            if (!header.Contains(name))
                throw new ArgumentException($"Column '{name}' is not in the header of '{path}' ({string.Join(", ", header)}).", nameof(labelColumns));
        var columns = header.Select((name, i) =>
        {
            bool numeric = stats[i].AllNumeric;
            if (overrides.TryGetValue(name, out var role))
                return new InferredColumn(name, i, role, "set by the user", numeric);
            if (labels.Contains(name))
                return new InferredColumn(name, i, ColumnRole.Label, "a task's label", numeric);
            if (ignored.Contains(name))
                return new InferredColumn(name, i, ColumnRole.Ignore, "ignored by the user", numeric);
            var (inferred, reason) = stats[i].Infer(name);
            return new InferredColumn(name, i, inferred, reason, numeric);
        }).ToArray();
        return new InferredSchema(path, separator, columns, rows);
    }

    /// <summary>What the inspected rows of one column looked like.</summary>
    private sealed class ColumnStats
    {
        private const int DistinctCap = 10_000;
        private readonly HashSet<string> _distinct = new(StringComparer.Ordinal);
        private int _values, _missing, _integers, _booleanWords;
        private long _length, _words;

        public bool AllNumeric { get; private set; } = true;

        public void Add(string cell)
        {
            if (Missing.Contains(cell))
            {
                _missing++;
                return;
            }
            _values++;
            if (_distinct.Count < DistinctCap)
                _distinct.Add(cell);
            _length += cell.Length;
            _words += cell.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            if (BooleanWords.Contains(cell))
                _booleanWords++;
            if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double number))
            {
                if (number == Math.Floor(number))
                    _integers++;
            }
            else
            {
                AllNumeric = false;
            }
        }

        public (ColumnRole Role, string Reason) Infer(string name)
        {
            if (_values == 0)
                return (ColumnRole.Ignore, $"every one of the {_missing} inspected values is missing");
            string distinct = _distinct.Count >= DistinctCap ? $"≥ {DistinctCap:N0}" : _distinct.Count.ToString("N0", CultureInfo.InvariantCulture);
            if (AllNumeric)
            {
                if (_distinct.Count <= 2 && _distinct.All(v => double.Parse(v, CultureInfo.InvariantCulture) is 0 or 1))
                    return (ColumnRole.Boolean, "numbers, only 0 and 1");
                if (LooksLikeId(name) && _integers == _values)
                    return (ColumnRole.Id, $"integers named like an id, {distinct} distinct");
                return (ColumnRole.Numeric, $"numbers, {distinct} distinct");
            }
            if (_booleanWords == _values && _distinct.Count <= 2)
                return (ColumnRole.Boolean, $"two values ({string.Join("/", _distinct)})");
            double meanWords = (double)_words / _values, meanLength = (double)_length / _values;
            if (meanWords >= 3 || meanLength >= 30)
                return (ColumnRole.Text, $"text, {meanWords:F1} words per value on average");
            if (_distinct.Count <= MaxCategories)
                return (ColumnRole.Categorical, $"text, {distinct} distinct values");
            return (ColumnRole.Id, $"text, {distinct} distinct values (more than {MaxCategories})");
        }

        private static bool LooksLikeId(string name) =>
            name.Equals("id", StringComparison.OrdinalIgnoreCase) || name.EndsWith("_id", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith("Id", StringComparison.Ordinal) || name.EndsWith("ID", StringComparison.Ordinal);
    }
}

/// <summary>The inferred columns of a file.</summary>
/// <param name="Path">The file.</param>
/// <param name="Separator">Its field separator.</param>
/// <param name="Columns">Every column, in file order.</param>
/// <param name="InspectedRows">How many data rows were read to infer the roles.</param>
public sealed record InferredSchema(string Path, char Separator, IReadOnlyList<InferredColumn> Columns, int InspectedRows)
{
    /// <summary>The featurization of the feature columns (every role but Label and Ignore).</summary>
    public FeatureSpec Features(long rows) => new()
    {
        Categorical = Named(ColumnRole.Categorical),
        Numeric = Named(ColumnRole.Numeric),
        Flags = Named(ColumnRole.Boolean),
        Ids = Named(ColumnRole.Id),
        Text = Named(ColumnRole.Text),
        HashBits = Featurization.HashBitsFor(rows * Math.Max(1, Named(ColumnRole.Id).Length)),
    };

    private string[] Named(ColumnRole role) => Columns.Where(c => c.Role == role).Select(c => c.Name).ToArray();
}
