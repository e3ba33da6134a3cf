using System.Globalization;
using MlNetMtl.Data;
using MlNetMtl.Datasets.Tables;

namespace MlNetMtl.Datasets;

/// <summary>
/// Infers each column's role from a table's header and every row — a delimited file, a Parquet file or a folder of shards
/// of either (<see cref="TableFile"/>) — as Model Builder does: numbers are
/// numeric (or ids, when named like one), two-valued columns boolean, text with few distinct values categorical,
/// long multi-word text free text, short values joined by | ; or , from a vocabulary that repeats multi-valued, other text ids. A column is numeric only if every present value in the whole
/// file is a number (<see cref="TextValues.TryParseNumber{T}"/>), so the loader never
/// meets a value that does not fit. Labels and ignored columns are given; any role can be overridden.
/// </summary>
public static class ColumnInference
{
    /// <summary>Most distinct values of a categorical text column.</summary>
    public const int MaxCategories = 100;
    /// <summary>Share of a text column's values that must hold a separator (| ; ,) for it to be multi-valued.</summary>
    public const double MinMultiValuedShare = 0.1;
    /// <summary>Distinct values kept per label column (a multiclass task's classes, a binary task's two values).</summary>
    public const int MaxLabelValues = 10_000;

    /// <summary>Infers the roles of <paramref name="path"/>'s columns from all of its rows.</summary>
    /// <param name="path">A comma-, semicolon-, tab- or bar-separated file with a header row (RFC 4180 quoting), a Parquet file (<c>.parquet</c>), or a folder of shards of either kind.</param>
    /// <param name="labelColumns">The tasks' label columns.</param>
    /// <param name="ignoreColumns">Columns that are neither features nor labels.</param>
    /// <param name="overrides">Roles set by the user, by column name; they win over inference.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is empty, has no data rows, repeats a header name, or has a record of another width than the header (its line is named).</exception>
    /// <exception cref="ArgumentException">A label, ignored or overridden column is not in the header (the header is listed), or a label column is also ignored.</exception>
    public static InferredSchema Infer(string path, IEnumerable<string> labelColumns, IEnumerable<string>? ignoreColumns = null,
        IReadOnlyDictionary<string, ColumnRole>? overrides = null)
    {
        var labels = labelColumns.ToHashSet(StringComparer.Ordinal);
        var ignored = (ignoreColumns ?? []).ToHashSet(StringComparer.Ordinal);
        overrides ??= new Dictionary<string, ColumnRole>();
        using var file = TableFile.Open(path);
        var header = file.Header;
        foreach (string name in labels.Concat(ignored).Concat(overrides.Keys))
            if (!header.Contains(name))
                throw new ArgumentException($"Column '{name}' is not in the header of '{path}' ({string.Join(", ", header)}).", nameof(labelColumns));
        var both = labels.FirstOrDefault(ignored.Contains);
        if (both is not null)
            throw new ArgumentException($"Column '{both}' is a task's label and also in the ignored columns; a label is never a feature, so leave it out of --ignore-cols.", nameof(ignoreColumns));
        var stats = header.Select(name => new ColumnStats(labels.Contains(name) ? MaxLabelValues : MaxCategories + 1)).ToArray();
        long rows = 0;
        while (file.Read())
        {
            for (int c = 0; c < header.Count; c++)
                stats[c].Add(file.Chars(c), file.Mark);
            rows++;
        }
        if (rows == 0)
            throw new InvalidDataException($"'{path}' has a header but no data rows.");

        var columns = header.Select((name, i) =>
        {
            var profile = stats[i].Profile();
            if (overrides.TryGetValue(name, out var role))
                return new InferredColumn(name, i, role, "set by the user", profile.AllNumbers, profile);
            if (labels.Contains(name))
                return new InferredColumn(name, i, ColumnRole.Label, "a task's label", profile.AllNumbers, profile);
            if (ignored.Contains(name))
                return new InferredColumn(name, i, ColumnRole.Ignore, "ignored by the user", profile.AllNumbers, profile);
            var (inferred, reason) = stats[i].Infer(name, mark => TableFile.Within(path, mark));
            return new InferredColumn(name, i, inferred, reason, profile.AllNumbers, profile);
        }).ToArray();
        return new InferredSchema(path, file.Separator, columns, rows);
    }

    /// <summary>What the rows of one column looked like.</summary>
    private sealed class ColumnStats(int distinctCap)
    {
        private const int PieceCap = 10_000;
        private readonly Dictionary<string, long> _distinct = new(StringComparer.Ordinal);
        private readonly HashSet<string> _pieces = new(StringComparer.Ordinal);
        private long _separated, _pieceCount, _pieceWords, _pieceLength;
        private bool _morePieces;
        private long _values, _missing, _infinite, _numbers, _integers, _booleanWords, _length, _words, _imagePaths;
        private bool _moreDistinct;
        private CellAt? _firstText, _firstInfinite, _firstMissing;

        public void Add(ReadOnlySpan<char> cell, long line)
        {
            if (TextValues.IsMissing(cell))
            {
                _missing++;
                _firstMissing ??= new CellAt(cell.ToString(), line);
                return;
            }
            _values++;
            var lookup = _distinct.GetAlternateLookup<ReadOnlySpan<char>>();
            if (!lookup.ContainsKey(cell))
            {
                if (_distinct.Count < distinctCap)
                    lookup[cell] = line;
                else
                    _moreDistinct = true;
            }
            _length += cell.Length;
            _words += Words(cell);
            if (FeatureSpec.IsImagePath(cell))
                _imagePaths++;
            if (TextValues.TryParseBoolean(cell, out _))
                _booleanWords++;
            if (TextValues.TryParseNumber(cell, out float number))
            {
                _numbers++;
                if (!float.IsFinite(number))
                {
                    _infinite++;
                    _firstInfinite ??= new CellAt(cell.ToString(), line);
                }
                else if (number == MathF.Floor(number))
                {
                    _integers++;
                }
            }
            else
            {
                _firstText ??= new CellAt(cell.ToString(), line);
                CountPieces(cell);
            }
        }

        /// <summary>The values of a cell split at | ; , — how a multi-valued column is told from text and ids.</summary>
        private void CountPieces(ReadOnlySpan<char> cell)
        {
            if (cell.IndexOfAny(FeatureSpec.BagSeparators) < 0)
                return;
            _separated++;
            foreach (var range in cell.SplitAny(FeatureSpec.BagSeparators))
            {
                var piece = cell[range].Trim();
                if (piece.IsEmpty)
                    continue;
                _pieceCount++;
                _pieceLength += piece.Length;
                _pieceWords += Words(piece);
                var lookup = _pieces.GetAlternateLookup<ReadOnlySpan<char>>();
                if (!lookup.Contains(piece))
                {
                    if (_pieces.Count < PieceCap)
                        lookup.Add(piece);
                    else
                        _morePieces = true;
                }
            }
        }

        /// <summary>
        /// At least <see cref="MinMultiValuedShare"/> of the values hold a separator, the pieces are short (under 3 words and
        /// 30 characters on average) and repeat (at most half as many distinct pieces as pieces): a list of labels, not prose.
        /// </summary>
        private bool MultiValued() =>
            _separated >= MinMultiValuedShare * _values && _pieceCount > 0 && !_morePieces
            && (double)_pieceWords / _pieceCount < 3 && (double)_pieceLength / _pieceCount < 30 && _pieces.Count * 2 <= _pieceCount;

        private static int Words(ReadOnlySpan<char> cell)
        {
            int words = 0;
            bool inWord = false;
            foreach (char c in cell)
            {
                bool space = char.IsWhiteSpace(c);
                if (!space && !inWord)
                    words++;
                inWord = !space;
            }
            return words;
        }

        public ColumnProfile Profile() => new(_values, _missing, _firstMissing, _infinite, _firstInfinite, _firstText, _moreDistinct ? null : _distinct, _distinct.Count, _moreDistinct);

        /// <param name="name">The column.</param>
        /// <param name="of">Where a cell's mark is, in words (<c>line 12</c>; in a folder of shards, <c>line 12 of 'part-2.csv'</c>).</param>
        public (ColumnRole Role, string Reason) Infer(string name, Func<long, string> of)
        {
            if (_values == 0)
                return (ColumnRole.Ignore, $"every one of its {_missing:N0} values is missing");
            string distinct = _moreDistinct ? $"over {MaxCategories}" : _distinct.Count.ToString("N0", CultureInfo.InvariantCulture);
            string infinite = _infinite == 0 ? "" : $"; {_infinite:N0} infinite ({_firstInfinite!.Value.Value} at {of(_firstInfinite.Value.Line)}) read as missing";
            if (_firstText is null)
            {
                if (!_moreDistinct && _distinct.Count <= 2 && _distinct.Keys.All(v => TextValues.TryParseNumber(v, out double d) && d is 0 or 1))
                    return (ColumnRole.Boolean, "numbers, only 0 and 1");
                if (LooksLikeId(name) && _integers == _values)
                    return (ColumnRole.Id, $"integers named like an id, {distinct} distinct");
                return (ColumnRole.Numeric, $"numbers, {distinct} distinct{infinite}");
            }
            // Mostly numbers: say which value made it text, so a stray value is easy to find (or --role name=numeric makes it an error).
            string notNumber = _numbers * 2 > _values && _firstText is { } text ? $" ({TextValues.Quote(text.Value)} at {of(text.Line)} is not a number)" : "";
            if (_booleanWords == _values && !_moreDistinct && _distinct.Count <= 2)
                return (ColumnRole.Boolean, $"two values ({string.Join("/", _distinct.Keys)})");
            if (_imagePaths == _values)
                return (ColumnRole.Image, $"image file paths (.png, .jpg …), {distinct} distinct");
            if (MultiValued())
                return (ColumnRole.MultiValued, string.Create(CultureInfo.InvariantCulture,
                    $"lists of values separated by | ; or , in {(double)_separated / _values:P0} of the rows, {_pieces.Count:N0} distinct values"));
            double meanWords = (double)_words / _values, meanLength = (double)_length / _values;
            if (meanWords >= 3 || meanLength >= 30)
                return (ColumnRole.Text, string.Create(CultureInfo.InvariantCulture, $"text, {meanWords:F1} words per value on average"));
            if (!_moreDistinct && _distinct.Count <= MaxCategories)
                return (ColumnRole.Categorical, $"text, {distinct} distinct values{notNumber}");
            return (ColumnRole.Id, $"text, {distinct} distinct values (more than {MaxCategories}){notNumber}");
        }

        private static bool LooksLikeId(string name) =>
            name.Equals("id", StringComparison.OrdinalIgnoreCase) || name.EndsWith("_id", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith("Id", StringComparison.Ordinal) || name.EndsWith("ID", StringComparison.Ordinal);
    }
}

/// <summary>A cell of a table: its value and its record's place.</summary>
/// <param name="Value">The cell, trimmed.</param>
/// <param name="Line">
/// The 1-based line of a delimited file where its record starts (a Parquet file's row; in a folder of shards, the shard too):
/// <see cref="InferredSchema.Where"/> says it in words.
/// </param>
public readonly record struct CellAt(string Value, long Line);

/// <summary>What one column of a file holds, over every row.</summary>
/// <param name="Values">Present (not missing) values.</param>
/// <param name="Missing">Missing cells (empty, ?, NA, NaN …).</param>
/// <param name="FirstMissing">The first of those, or null.</param>
/// <param name="Infinite">Numbers beyond the range of Single (inf, Infinity, 1e39 …), read as missing.</param>
/// <param name="FirstInfinite">The first of those, or null.</param>
/// <param name="FirstText">The first present value that is not a number, or null when every one is.</param>
/// <param name="Distinct">Each distinct present value with the line it first appears on; null when there are more than the column kept.</param>
/// <param name="DistinctCount">Distinct present values counted (all of them, unless <paramref name="MoreDistinct"/>).</param>
/// <param name="MoreDistinct">Whether there are more distinct values than were kept.</param>
public sealed record ColumnProfile(long Values, long Missing, CellAt? FirstMissing, long Infinite, CellAt? FirstInfinite, CellAt? FirstText,
    IReadOnlyDictionary<string, long>? Distinct, int DistinctCount, bool MoreDistinct)
{
    /// <summary>Whether every present value is a number.</summary>
    public bool AllNumbers => FirstText is null;
}

/// <summary>The inferred columns of a table.</summary>
/// <param name="Path">The file, or folder of shards.</param>
/// <param name="Separator">Its field separator (a comma for Parquet).</param>
/// <param name="Columns">Every column, in file order.</param>
/// <param name="Rows">How many data rows the file has (every one was read to infer the roles).</param>
public sealed record InferredSchema(string Path, char Separator, IReadOnlyList<InferredColumn> Columns, long Rows)
{
    /// <summary>The featurization of the feature columns (every role but Label and Ignore).</summary>
    public FeatureSpec Features(long rows) => new()
    {
        Categorical = Named(ColumnRole.Categorical),
        Numeric = Named(ColumnRole.Numeric),
        Flags = Named(ColumnRole.Boolean),
        Ids = Named(ColumnRole.Id),
        Text = Named(ColumnRole.Text),
        Bags = Named(ColumnRole.MultiValued),
        Images = Named(ColumnRole.Image),
        ImageFolder = Named(ColumnRole.Image).Length == 0 ? null
            : Directory.Exists(Path) ? System.IO.Path.GetFullPath(Path) : System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path)),
        HashBits = Featurization.HashBitsFor(rows * Math.Max(1, Named(ColumnRole.Id).Length)),
    };

    /// <summary>Where a cell of the table is, in words (<c>line 12 of 'a.csv'</c>, <c>row 3 of 'b.parquet'</c>), from its <see cref="CellAt.Line"/>.</summary>
    public string Where(long line) => TableFile.Of(Path, line);

    private string[] Named(ColumnRole role) => Columns.Where(c => c.Role == role).Select(c => c.Name).ToArray();
}
