using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetMtl.Datasets.Csv;

/// <summary>
/// A log joined to a side table on a key column (a left join, streamed): each row of the source gains the table's columns
/// for its key, looked up in memory; a key the table lacks gives missing values (empty text, NaN), which the featurization
/// treats as it treats any missing cell.
/// </summary>
internal sealed class JoinedDataView : IDataView
{
    private readonly IDataView _source;
    private readonly SideTable _table;
    private readonly int _key;

    /// <exception cref="InvalidDataException">The source has no text column of the table's key, or already has a column of the table's.</exception>
    public JoinedDataView(IDataView source, SideTable table)
    {
        _source = source;
        _table = table;
        var key = source.Schema.GetColumnOrNull(table.KeyColumn);
        if (key is not { Type: TextDataViewType })
            throw new InvalidDataException($"The log has no text column '{table.KeyColumn}' to join '{table.Path}' on.");
        _key = key.Value.Index;
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(source.Schema);
        foreach (var column in table.Columns)
        {
            if (source.Schema.GetColumnOrNull(column.Name) is not null)
                throw new InvalidDataException($"Column '{column.Name}' is both in the log and in '{table.Path}'; a joined column needs a name of its own.");
            builder.AddColumn(column.Name, column.Kind == CsvColumnKind.Text ? TextDataViewType.Instance : NumberDataViewType.Single);
        }
        Schema = builder.ToSchema();
    }

    public DataViewSchema Schema { get; }
    public bool CanShuffle => false;
    public long? GetRowCount() => _source.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.Select(c => c.Index).ToHashSet();
        int sourceWidth = _source.Schema.Count;
        bool joins = needed.Any(i => i >= sourceWidth);
        var sourceNeeded = _source.Schema.Where(c => needed.Contains(c.Index) || (joins && c.Index == _key));
        return new Cursor(this, _source.GetRowCursor(sourceNeeded), needed);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor(JoinedDataView view, DataViewRowCursor source, HashSet<int> active) : DataViewRowCursor
    {
        private readonly int _sourceWidth = view._source.Schema.Count;
        private ValueGetter<ReadOnlyMemory<char>>? _keyGetter;
        private ReadOnlyMemory<char> _keyValue;
        private long _lookedUp = -1;
        private int _row = -1;

        public override DataViewSchema Schema => view.Schema;
        public override long Position => source.Position;
        public override long Batch => source.Batch;
        public override ValueGetter<DataViewRowId> GetIdGetter() => source.GetIdGetter();
        public override bool IsColumnActive(DataViewSchema.Column column) => active.Contains(column.Index);
        public override bool MoveNext() => source.MoveNext();

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index < _sourceWidth)
                return source.GetGetter<TValue>(source.Schema[column.Index]);
            if (!active.Contains(column.Index))
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was created.");
            _keyGetter ??= source.GetGetter<ReadOnlyMemory<char>>(source.Schema[view._key]);
            int c = column.Index - _sourceWidth;
            Delegate getter = view._table.Columns[c].Kind == CsvColumnKind.Text
                ? (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = view._table.Text(c, Row()).AsMemory())
                : (ValueGetter<float>)((ref float value) => value = view._table.Number(c, Row()));
            return getter as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Column '{column.Name}' holds {column.Type}; it cannot be read as {typeof(TValue).Name}.");
        }

        /// <summary>The table row of the current log row's key, looked up once per row.</summary>
        private int Row()
        {
            if (_lookedUp != source.Position)
            {
                _keyGetter!(ref _keyValue);
                _row = view._table.RowOf(_keyValue.Span.Trim());
                _lookedUp = source.Position;
            }
            return _row;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                source.Dispose();
            base.Dispose(disposing);
        }
    }
}
