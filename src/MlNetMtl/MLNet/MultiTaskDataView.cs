using Microsoft.ML;

namespace MlNetMtl.MLNet;

/// <summary>
/// The lazy output of <see cref="MultiTaskTransformer.Transform"/>: nothing is computed until a cursor reads an
/// appended column, and then one forward pass per row serves all of them.
/// </summary>
internal sealed class MultiTaskDataView(MultiTaskMapping mapping, IDataView source) : IDataView
{
    public DataViewSchema Schema => mapping.OutputSchema;
    public bool CanShuffle => source.CanShuffle;
    public long? GetRowCount() => source.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var columns = columnsNeeded.ToArray();
        return new MultiTaskCursor(mapping, source.GetRowCursor(mapping.Dependencies(columns), rand), columns);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        var columns = columnsNeeded.ToArray();
        return source.GetRowCursorSet(mapping.Dependencies(columns), n, rand)
            .Select(cursor => (DataViewRowCursor)new MultiTaskCursor(mapping, cursor, columns))
            .ToArray();
    }
}
