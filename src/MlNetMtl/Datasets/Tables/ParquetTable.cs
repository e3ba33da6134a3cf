using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace MlNetMtl.Datasets.Tables;

/// <summary>
/// A Parquet file read one row group at a time — of a row group, only the columns asked for — each cell as the text a
/// delimited file would hold, so that it is inferred and read as that file would be: numbers in their shortest round-trip
/// form, booleans as true/false, dates and times in ISO 8601, text trimmed, a null an empty (missing) cell. Columns of
/// lists, maps or structures, and binary columns, are refused by name.
/// </summary>
internal sealed class ParquetTable : TableFile
{
    private readonly ParquetReader _reader;
    private readonly DataField[] _fields;
    private readonly Cells[] _cells;
    /// <summary>Per column, the row group its cells were read for (−1: none yet).</summary>
    private readonly int[] _readFor;
    private ParquetRowGroupReader? _group;
    private int _groupIndex = -1, _groupRows, _row;
    private long _mark;
    private char[] _chars = new char[64];

    private ParquetTable(string path, ParquetReader reader, DataField[] fields)
    {
        Path = path;
        _reader = reader;
        _fields = fields;
        Header = fields.Select(f => f.Name).ToArray();
        _cells = fields.Select(Cells.For).ToArray();
        _readFor = Enumerable.Repeat(-1, fields.Length).ToArray();
    }

    public override string Path { get; }
    public override IReadOnlyList<string> Header { get; }
    public override char Separator => ',';
    public override long Mark => _mark;

    /// <summary>Opens <paramref name="path"/> and reads its schema.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">It is not a Parquet file, or a column holds what no cell of text can (it is named).</exception>
    public static new ParquetTable Open(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"No data file at '{path}'.", path);
        ParquetReader reader;
        try
        {
            reader = ParquetReader.CreateAsync(path).GetAwaiter().GetResult();
        }
        catch (Exception error) when (error is IOException or InvalidDataException or InvalidOperationException or NotSupportedException or ArgumentException or IndexOutOfRangeException)
        {
            throw new InvalidDataException($"'{path}' is not a Parquet file that can be read: {error.Message}");
        }
        try
        {
            var fields = new List<DataField>();
            foreach (var field in reader.Schema.Fields)
            {
                if (field is not DataField data || data.IsArray || data.MaxRepetitionLevel > 0)
                {
                    string holds = field is DataField || field.SchemaType is SchemaType.List ? "lists" : field.SchemaType is SchemaType.Map ? "maps" : "nested values";
                    throw new InvalidDataException($"Column '{field.Name}' of '{path}' holds {holds}, which MlNetMtl does not read: write a list as text, its values joined by | (a multi-valued column).");
                }
                if (!Cells.Reads(data.ClrType))
                    throw new InvalidDataException($"Column '{field.Name}' of '{path}' holds {data.ClrType.Name} values, which MlNetMtl does not read (numbers, booleans, text, dates and times are read).");
                fields.Add(data);
            }
            if (fields.Count == 0)
                throw new InvalidDataException($"'{path}' has no columns.");
            var repeated = fields.GroupBy(f => f.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (repeated is not null)
                throw new InvalidDataException($"Column '{repeated.Key}' appears twice in '{path}'.");
            return new ParquetTable(path, reader, fields.ToArray());
        }
        catch
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    /// <summary>Rows in the file, from its footer (nothing is decoded).</summary>
    public long Rows => _reader.Metadata?.NumRows ?? 0;

    public override bool Read()
    {
        while (_row + 1 >= _groupRows)
        {
            if (_groupIndex + 1 >= _reader.RowGroupCount)
                return false;
            _group?.Dispose();
            _group = _reader.OpenRowGroupReader(++_groupIndex);
            _groupRows = checked((int)_group.RowCount);
            _row = -1;
        }
        _row++;
        _mark++;
        return true;
    }

    public override ReadOnlySpan<char> Chars(int column)
    {
        var cells = CellsOf(column);
        int written;
        while ((written = cells.Format(_row, _chars)) < 0)
            _chars = new char[_chars.Length * 2];
        return _chars.AsSpan(0, written).Trim();
    }

    public override string String(int column) => CellsOf(column) is TextCells text ? text.Trimmed(_row) : Chars(column).ToString();

    /// <summary>Column <paramref name="column"/>'s cells of the current row group, decoded when first asked for.</summary>
    private Cells CellsOf(int column)
    {
        if (_readFor[column] != _groupIndex)
        {
            try
            {
                _cells[column].Read(_group!, _fields[column], _groupRows);
            }
            catch (Exception error) when (error is IOException or InvalidDataException or InvalidOperationException or NotSupportedException or ArgumentException or IndexOutOfRangeException)
            {
                throw new InvalidDataException($"'{Path}', row group {_groupIndex + 1}, column '{_fields[column].Name}' cannot be read: {error.Message}");
            }
            _readFor[column] = _groupIndex;
        }
        return _cells[column];
    }

    public override void Dispose()
    {
        _group?.Dispose();
        _reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>One column's cells of a row group, decoded, and each as text.</summary>
    private abstract class Cells
    {
        /// <summary>The cells of each CLR type read (Parquet.Net gives text as <see cref="ReadOnlyMemory{T}"/> of char).</summary>
        private static readonly Dictionary<Type, Func<Cells>> Kinds = new()
        {
            [typeof(string)] = () => new TextCells(),
            [typeof(ReadOnlyMemory<char>)] = () => new TextCells(),
            [typeof(bool)] = () => new BooleanCells(),
            [typeof(float)] = () => new NumberCells<float>("R"),
            [typeof(double)] = () => new NumberCells<double>("R"),
            [typeof(decimal)] = () => new NumberCells<decimal>(null),
            [typeof(sbyte)] = () => new NumberCells<sbyte>(null),
            [typeof(byte)] = () => new NumberCells<byte>(null),
            [typeof(short)] = () => new NumberCells<short>(null),
            [typeof(ushort)] = () => new NumberCells<ushort>(null),
            [typeof(int)] = () => new NumberCells<int>(null),
            [typeof(uint)] = () => new NumberCells<uint>(null),
            [typeof(long)] = () => new NumberCells<long>(null),
            [typeof(ulong)] = () => new NumberCells<ulong>(null),
            [typeof(DateTime)] = () => new NumberCells<DateTime>("O"),
            [typeof(DateOnly)] = () => new NumberCells<DateOnly>("yyyy-MM-dd"),
            [typeof(TimeOnly)] = () => new NumberCells<TimeOnly>("O"),
            [typeof(TimeSpan)] = () => new NumberCells<TimeSpan>("c"),
        };

        /// <summary>Whether a column of this CLR type is read.</summary>
        public static bool Reads(Type type) => Kinds.ContainsKey(type);

        public static Cells For(DataField field) => Kinds[field.ClrType]();

        public abstract void Read(ParquetRowGroupReader group, DataField field, int rows);

        /// <summary>Writes row <paramref name="row"/>'s cell into <paramref name="destination"/>: the characters written (0 for a null), or −1 when it is too short.</summary>
        public abstract int Format(int row, Span<char> destination);
    }

    /// <summary>Values formatted as .NET formats them in the invariant culture; for floating point, the shortest text that reads back as the same value.</summary>
    private sealed class NumberCells<T>(string? format) : Cells where T : struct, ISpanFormattable
    {
        private T?[] _values = [];
        private T[] _required = [];
        private bool _nullable;

        public override void Read(ParquetRowGroupReader group, DataField field, int rows)
        {
            _nullable = field.IsNullable;
            if (_nullable)
            {
                if (_values.Length < rows)
                    _values = new T?[rows];
                group.ReadAsync<T>(field, _values.AsMemory(0, rows)).AsTask().GetAwaiter().GetResult();
            }
            else
            {
                if (_required.Length < rows)
                    _required = new T[rows];
                group.ReadAsync<T>(field, _required.AsMemory(0, rows)).AsTask().GetAwaiter().GetResult();
            }
        }

        public override int Format(int row, Span<char> destination)
        {
            T value;
            if (_nullable)
            {
                if (_values[row] is not { } present)
                    return 0;
                value = present;
            }
            else
                value = _required[row];
            return value.TryFormat(destination, out int written, format, CultureInfo.InvariantCulture) ? written : -1;
        }
    }

    private sealed class BooleanCells : Cells
    {
        private bool?[] _values = [];

        public override void Read(ParquetRowGroupReader group, DataField field, int rows)
        {
            if (_values.Length < rows)
                _values = new bool?[rows];
            if (field.IsNullable)
                group.ReadAsync<bool>(field, _values.AsMemory(0, rows)).AsTask().GetAwaiter().GetResult();
            else
            {
                var required = new bool[rows];
                group.ReadAsync<bool>(field, required.AsMemory()).AsTask().GetAwaiter().GetResult();
                for (int r = 0; r < rows; r++)
                    _values[r] = required[r];
            }
        }

        public override int Format(int row, Span<char> destination)
        {
            string text = _values[row] switch { null => "", true => "true", false => "false" };
            return text.TryCopyTo(destination) ? text.Length : -1;
        }
    }

    private sealed class TextCells : Cells
    {
        private string?[] _values = [];

        public override void Read(ParquetRowGroupReader group, DataField field, int rows)
        {
            if (_values.Length < rows)
                _values = new string?[rows];
            group.ReadAsync(field, _values.AsMemory(0, rows)).AsTask().GetAwaiter().GetResult();
        }

        public override int Format(int row, Span<char> destination)
        {
            string text = _values[row] ?? "";
            return text.TryCopyTo(destination) ? text.Length : -1;
        }

        public string Trimmed(int row) => _values[row]?.Trim() ?? "";
    }
}
