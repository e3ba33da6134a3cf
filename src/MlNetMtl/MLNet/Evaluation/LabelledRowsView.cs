using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetMtl.Evaluation;

/// <summary>
/// The rows of a data view whose label for one task is present: what that task's metrics are computed on when
/// its missing labels are masked (NaN, a key of 0, or the task's sentinel value).
/// </summary>
internal sealed class LabelledRowsView(IDataView source, TaskColumn task) : IDataView
{
    private readonly DataViewSchema.Column _label = source.Schema[task.LabelColumnName];

    public DataViewSchema Schema => source.Schema;
    public bool CanShuffle => false;
    public long? GetRowCount() => null;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(source.GetRowCursor(columnsNeeded.Append(_label).DistinctBy(c => c.Index)), _label, task);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly DataViewRowCursor _source;
        private readonly Func<long, float> _label;
        private long _position = -1;

        public Cursor(DataViewRowCursor source, DataViewSchema.Column label, TaskColumn task)
        {
            _source = source;
            _label = LabelReader.Create(source, label, task);
        }

        public override DataViewSchema Schema => _source.Schema;
        public override long Position => _position;
        public override long Batch => 0;
        public override ValueGetter<DataViewRowId> GetIdGetter() => _source.GetIdGetter();
        public override bool IsColumnActive(DataViewSchema.Column column) => _source.IsColumnActive(column);
        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => _source.GetGetter<TValue>(column);

        public override bool MoveNext()
        {
            while (_source.MoveNext())
            {
                if (float.IsNaN(_label(_source.Position)))
                    continue;
                _position++;
                return true;
            }
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _source.Dispose();
            base.Dispose(disposing);
        }
    }
}
