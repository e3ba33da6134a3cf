using CsvHelper;
using MlNetMtl.Datasets.Tables;

namespace MlNetMtl.Datasets.Csv;

/// <summary>
/// One pass over a delimited text file with a header row (RFC 4180: quoted fields may hold separators, doubled quotes
/// and line breaks), the only way MlNetMtl reads such files, so that column inference, training and prediction see the
/// same cells. The separator (comma, semicolon, tab or bar) is detected; spaces around values are trimmed, inside
/// quotes too; every record must have the header's number of fields. Errors name the file and the line.
/// </summary>
internal sealed class CsvFile : TableFile
{
    private readonly CsvReader _reader;
    private char[] _chars = new char[256];

    private CsvFile(string path, CsvReader reader, IReadOnlyList<string> header)
    {
        Path = path;
        _reader = reader;
        Header = header;
    }

    /// <summary>The file.</summary>
    public override string Path { get; }
    /// <summary>The column names, trimmed; an unnamed column is <c>Column</c> and its 1-based position.</summary>
    public override IReadOnlyList<string> Header { get; }

    /// <summary>The field separator.</summary>
    public override char Separator => _reader.Separator;
    /// <summary>The 1-based line of the file where the current record starts.</summary>
    public long Line => _reader.LineNumber;
    /// <summary>The current record's <see cref="Line"/>.</summary>
    public override long Mark => Line;
    /// <summary>The 1-based number of the current data record.</summary>
    public long Record => _reader.RowNumber;

    /// <summary>Opens <paramref name="path"/> and reads its header.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">The file is empty, or its header repeats a name.</exception>
    public static new CsvFile Open(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException(Directory.Exists(path) ? $"'{path}' is a folder, not a data file." : $"No data file at '{path}'.", path);
        var stream = File.OpenRead(path);
        try
        {
            var reader = CsvReader.Create(stream, CsvReaderOptions.Default with
            {
                TrackLineNumbers = true,
                TrimWhitespace = true,
                TrimInsideQuotes = true,
                OnMalformedRecord = record =>
                {
                    if (record.Reason == CsvMalformedReason.UnterminatedQuote)
                        throw new InvalidDataException($"'{path}', line {record.LineNumber}: a quoted field is opened and never closed.");
                },
            }, leaveOpen: false);
            var names = reader.Headers.Select((name, i) => name.Trim() is { Length: > 0 } trimmed ? trimmed : $"Column{i + 1}").ToArray();
            if (names.Length == 0)
                throw new InvalidDataException($"'{path}' is empty.");
            var repeated = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (repeated is not null)
                throw new InvalidDataException($"Column '{repeated.Key}' appears twice in the header of '{path}'.");
            return new CsvFile(path, reader, names);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Moves to the next data record; false at the end of the file.</summary>
    /// <exception cref="InvalidDataException">The record has another number of fields than the header, or an unclosed quote.</exception>
    public override bool Read()
    {
        if (!_reader.Read())
            return false;
        if (_reader.FieldCount != Header.Count)
            throw new InvalidDataException($"'{Path}', line {Line}: the record has {_reader.FieldCount} fields; the header has {Header.Count}" +
                (_reader.FieldCount < Header.Count ? "." : " (a value with the separator in it needs quotes)."));
        return true;
    }

    /// <summary>Field <paramref name="column"/> of the current record, trimmed; valid until the next <see cref="Read"/>.</summary>
    public override ReadOnlySpan<char> Chars(int column)
    {
        int bytes = _reader.GetSpan(column).Length;
        if (_chars.Length < bytes)
            _chars = new char[Math.Max(bytes, _chars.Length * 2)];
        return _chars.AsSpan(0, _reader.GetChars(column, _chars));
    }

    /// <summary>Field <paramref name="column"/> of the current record as a string, trimmed.</summary>
    public override string String(int column) => _reader.GetString(column);

    public override void Dispose() => _reader.Dispose();
}
