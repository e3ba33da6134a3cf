using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetMtl.Cli.Serving;

/// <summary>Rows of a request as an ML.NET data view: one cell object per column (string, float, bool, double, int, long or float[]).</summary>
internal sealed class RowsDataView(DataViewSchema schema, IReadOnlyList<object[]> rows) : IDataView
{
    public DataViewSchema Schema { get; } = schema;
    public bool CanShuffle => false;
    public long? GetRowCount() => rows.Count;
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(Schema, rows);
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [new Cursor(Schema, rows)];

    private sealed class Cursor(DataViewSchema schema, IReadOnlyList<object[]> rows) : DataViewRowCursor
    {
        private int _position = -1;
        public override DataViewSchema Schema { get; } = schema;
        public override long Position => _position;
        public override long Batch => 0;
        public override bool MoveNext() => ++_position < rows.Count;
        public override bool IsColumnActive(DataViewSchema.Column column) => true;
        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            int index = column.Index;
            Delegate getter = typeof(TValue) == typeof(ReadOnlyMemory<char>)
                ? (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> v) => v = ((string)rows[_position][index]).AsMemory())
                : typeof(TValue) == typeof(VBuffer<float>)
                    ? (ValueGetter<VBuffer<float>>)((ref VBuffer<float> v) => v = new VBuffer<float>(((float[])rows[_position][index]).Length, (float[])rows[_position][index]))
                    : (ValueGetter<TValue>)((ref TValue v) => v = (TValue)rows[_position][index]);
            return (ValueGetter<TValue>)getter;
        }
    }
}
