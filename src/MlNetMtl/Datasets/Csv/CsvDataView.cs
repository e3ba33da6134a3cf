using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data;

namespace MlNetMtl.Datasets.Csv;

/// <summary>How a column of a delimited file is read into a data view.</summary>
internal enum CsvColumnKind
{
    /// <summary>Single: numbers; missing cells and numbers beyond Single's range (±∞) read as NaN; any other text is an error.</summary>
    Single,
    /// <summary>Double: as <see cref="Single"/> at double precision (ignored columns such as timestamps keep their digits).</summary>
    Double,
    /// <summary>Single 0/1 from boolean words or 0/1; missing cells read as NaN; any other value is an error.</summary>
    Flag,
    /// <summary>Text, trimmed, as written (missing-value tokens included).</summary>
    Text,
}

/// <summary>A column of a delimited file read into a data view: its name, its position in the file and how it is read.</summary>
internal sealed record CsvColumn(string Name, int Index, CsvColumnKind Kind);

/// <summary>
/// A delimited file as an <see cref="IDataView"/> that streams through <see cref="CsvFile"/>: each cursor reads the file
/// once, parsing only the columns it is asked for. A value that does not fit its column's kind stops the cursor with an
/// error naming the file, the line, the column and the value — it is never read as missing.
/// </summary>
internal sealed class CsvDataView : IDataView
{
    private readonly string _path;
    private readonly CsvColumn[] _columns;
    private readonly long? _rows;
    private readonly string _expectation;

    /// <param name="path">The file.</param>
    /// <param name="columns">The columns to read, in schema order.</param>
    /// <param name="rows">The number of data rows, when known.</param>
    /// <param name="expectation">Why a column's values must fit its kind, for the message of one that does not: "which the model reads in this column".</param>
    public CsvDataView(string path, IReadOnlyList<CsvColumn> columns, long? rows, string expectation)
    {
        _path = path;
        _expectation = expectation;
        _columns = columns.ToArray();
        _rows = rows;
        var builder = new DataViewSchema.Builder();
        foreach (var column in _columns)
            builder.AddColumn(column.Name, column.Kind switch
            {
                CsvColumnKind.Double => NumberDataViewType.Double,
                CsvColumnKind.Text => TextDataViewType.Instance,
                _ => NumberDataViewType.Single,
            });
        Schema = builder.ToSchema();
    }

    public DataViewSchema Schema { get; }
    public bool CanShuffle => false;
    public long? GetRowCount() => _rows;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, columnsNeeded.Select(c => c.Index).ToHashSet());

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly CsvDataView _view;
        private readonly HashSet<int> _active;
        private readonly CsvFile _file;
        private readonly int[] _fileIndex;
        private long _position = -1;

        public Cursor(CsvDataView view, HashSet<int> active)
        {
            _view = view;
            _active = active;
            _file = CsvFile.Open(view._path);
            _fileIndex = view._columns.Select(c => c.Index).ToArray();
            for (int c = 0; c < view._columns.Length; c++)
            {
                var column = view._columns[c];
                if (column.Index >= _file.Header.Count || _file.Header[column.Index] != column.Name)
                    throw new InvalidDataException($"'{view._path}' changed while it was read: column {column.Index + 1} of its header is no longer '{column.Name}'.");
            }
        }

        public override DataViewSchema Schema => _view.Schema;
        public override long Position => _position;
        public override long Batch => 0;

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

        public override bool IsColumnActive(DataViewSchema.Column column) => _active.Contains(column.Index);

        public override bool MoveNext()
        {
            if (!_file.Read())
                return false;
            _position++;
            return true;
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!_active.Contains(column.Index))
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was created.");
            var definition = _view._columns[column.Index];
            int index = _fileIndex[column.Index];
            Delegate getter = definition.Kind switch
            {
                CsvColumnKind.Text => (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = _file.String(index).AsMemory()),
                CsvColumnKind.Double => (ValueGetter<double>)((ref double value) => value = ReadNumber<double>(definition, index)),
                CsvColumnKind.Flag => (ValueGetter<float>)((ref float value) => value = ReadFlag(definition, index)),
                _ => (ValueGetter<float>)((ref float value) => value = ReadNumber<float>(definition, index)),
            };
            return getter as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Column '{column.Name}' holds {column.Type}; it cannot be read as {typeof(TValue).Name}.");
        }

        /// <summary>A number; NaN for a missing cell and for ±∞ (read as missing); an error for anything else.</summary>
        private T ReadNumber<T>(CsvColumn column, int index) where T : System.Numerics.IBinaryFloatingPointIeee754<T>
        {
            var cell = _file.Chars(index);
            return TextValues.TryReadNumericCell(cell, out T value) ? value : throw NotFitting(column, cell, "a number");
        }

        private float ReadFlag(CsvColumn column, int index)
        {
            var cell = _file.Chars(index);
            if (TextValues.IsMissing(cell))
                return float.NaN;
            return TextValues.TryParseBoolean(cell, out bool value) ? value ? 1f : 0f
                : throw NotFitting(column, cell, $"a boolean value ({TextValues.BooleanWords})");
        }

        private InvalidDataException NotFitting(CsvColumn column, ReadOnlySpan<char> cell, string expected) =>
            new($"'{_view._path}', line {_file.Line}, column '{column.Name}': {TextValues.Quote(cell)} is not {expected}, {_view._expectation}.");

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _file.Dispose();
            base.Dispose(disposing);
        }
    }
}
