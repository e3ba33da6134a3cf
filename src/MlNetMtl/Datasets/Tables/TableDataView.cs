using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data;
using MlNetMtl.Datasets.Csv;

namespace MlNetMtl.Datasets.Tables;

/// <summary>
/// A table — a delimited file, a Parquet file or a folder of shards — as an <see cref="IDataView"/> that streams through
/// <see cref="TableFile"/>: each cursor reads the table once, parsing only the columns it is asked for. A value that does
/// not fit its column's kind stops the cursor with an error naming the file, the line (or row), the column and the value —
/// it is never read as missing.
/// </summary>
internal sealed class TableDataView : IDataView
{
    private readonly string _path;
    private readonly CsvColumn[] _columns;
    private readonly long? _rows;
    private readonly string _expectation;

    /// <param name="path">The file or folder (<see cref="TableFile.Open"/>).</param>
    /// <param name="columns">The columns to read, in schema order.</param>
    /// <param name="rows">The number of data rows, when known.</param>
    /// <param name="expectation">Why a column's values must fit its kind, for the message of one that does not: "which the model reads in this column".</param>
    public TableDataView(string path, IReadOnlyList<CsvColumn> columns, long? rows, string expectation)
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
        private readonly TableDataView _view;
        private readonly HashSet<int> _active;
        private readonly TableFile _file;
        private readonly int[] _fileIndex;
        private long _position = -1;

        public Cursor(TableDataView view, HashSet<int> active)
        {
            _view = view;
            _active = active;
            _file = TableFile.Open(view._path);
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
            new($"{TableFile.At(_view._path, _file.Mark)}, column '{column.Name}': {TextValues.Quote(cell)} is not {expected}, {_view._expectation}.");

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _file.Dispose();
            base.Dispose(disposing);
        }
    }
}
