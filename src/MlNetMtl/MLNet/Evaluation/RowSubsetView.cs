using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetMtl.MLNet.Evaluation;

/// <summary>The rows of <paramref name="source"/> whose index <paramref name="keep"/> marks, in order, with every column: one domain's rows, say.</summary>
internal sealed class RowSubsetView(IDataView source, bool[] keep) : IDataView
{
    public DataViewSchema Schema => source.Schema;
    public bool CanShuffle => false;
    public long? GetRowCount() => keep.LongCount(k => k);

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(source.GetRowCursor(columnsNeeded), keep);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [GetRowCursor(columnsNeeded, rand)];

    /// <summary>Moves the source cursor past the rows left out.</summary>
    private sealed class Cursor(DataViewRowCursor input, bool[] keep) : DataViewRowCursor
    {
        private long _index = -1, _position = -1;

        public override DataViewSchema Schema => input.Schema;
        public override long Position => _position;
        public override long Batch => input.Batch;
        public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();
        public override bool IsColumnActive(DataViewSchema.Column column) => input.IsColumnActive(column);
        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => input.GetGetter<TValue>(column);

        public override bool MoveNext()
        {
            while (input.MoveNext())
            {
                if (++_index >= keep.Length)
                    throw new InvalidOperationException($"The data has more rows than the {keep.Length:N0} the subset was made for.");
                if (keep[_index])
                {
                    _position++;
                    return true;
                }
            }
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                input.Dispose();
            base.Dispose(disposing);
        }
    }
}
