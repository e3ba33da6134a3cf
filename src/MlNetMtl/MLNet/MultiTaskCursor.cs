using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetMtl.MLNet;

/// <summary>A cursor over the transformed data: moves the input cursor and appends the tasks' columns lazily.</summary>
internal sealed class MultiTaskCursor : DataViewRowCursor
{
    private readonly MultiTaskMapping _mapping;
    private readonly DataViewRowCursor _input;
    private readonly AppendedColumns _columns;

    public MultiTaskCursor(MultiTaskMapping mapping, DataViewRowCursor input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        _mapping = mapping;
        _input = input;
        _columns = new AppendedColumns(mapping, input, activeColumns);
    }

    public override DataViewSchema Schema => _mapping.OutputSchema;
    public override long Position => _input.Position;
    public override long Batch => _input.Batch;
    public override bool MoveNext() => _input.MoveNext();
    public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();
    public override bool IsColumnActive(DataViewSchema.Column column) => _columns.IsColumnActive(column);
    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => _columns.GetGetter<TValue>(column);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _input.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>A single transformed row over an input row, for <see cref="MultiTaskRowMapper"/> (and so PredictionEngine).</summary>
internal sealed class MultiTaskRow : DataViewRow
{
    private readonly MultiTaskMapping _mapping;
    private readonly DataViewRow _input;
    private readonly AppendedColumns _columns;

    public MultiTaskRow(MultiTaskMapping mapping, DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        _mapping = mapping;
        _input = input;
        _columns = new AppendedColumns(mapping, input, activeColumns);
    }

    public override DataViewSchema Schema => _mapping.OutputSchema;
    public override long Position => _input.Position;
    public override long Batch => _input.Batch;
    public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();
    public override bool IsColumnActive(DataViewSchema.Column column) => _columns.IsColumnActive(column);
    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => _columns.GetGetter<TValue>(column);
}
