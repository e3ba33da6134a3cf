using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data;

namespace MlNetMtl.MLNet;

/// <summary>
/// A <see cref="MultiTaskDataset"/> as an <see cref="IDataView"/>: a <c>Features</c> column (known-size Single
/// vector, sparse when the data set is) and one label column per task named after the task (Boolean for binary
/// tasks, Single for regression), so generated data flows through ML.NET pipelines.
/// </summary>
public sealed class DatasetDataView : IDataView
{
    /// <summary>The name of the feature column.</summary>
    public const string FeatureColumnName = "Features";

    private readonly MultiTaskDataset _data;

    /// <summary>Wraps <paramref name="data"/>; nothing is copied.</summary>
    public DatasetDataView(MultiTaskDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        _data = data;
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(FeatureColumnName, new VectorDataViewType(NumberDataViewType.Single, data.Features.Dimension));
        foreach (var task in data.Tasks)
            builder.AddColumn(task.Name, task.Kind.Evaluation == EvaluationFamily.Binary ? BooleanDataViewType.Instance : NumberDataViewType.Single);
        Schema = builder.ToSchema();
    }

    /// <inheritdoc/>
    public DataViewSchema Schema { get; }
    /// <inheritdoc/>
    public bool CanShuffle => false;
    /// <inheritdoc/>
    public long? GetRowCount() => _data.Rows;

    /// <summary>The tasks as trainer task columns (label column = task name).</summary>
    public TaskColumn[] Tasks => MultiTaskCatalog.TaskColumns(_data.Tasks);

    /// <inheritdoc/>
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this, columnsNeeded);

    /// <inheritdoc/>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly DatasetDataView _view;
        private readonly bool[] _active;
        private long _position = -1;

        public Cursor(DatasetDataView view, IEnumerable<DataViewSchema.Column> columns)
        {
            _view = view;
            _active = new bool[view.Schema.Count];
            foreach (var column in columns)
                _active[column.Index] = true;
        }

        public override DataViewSchema Schema => _view.Schema;
        public override long Position => _position;
        public override long Batch => 0;
        public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];
        public override bool MoveNext() => ++_position < _view._data.Rows;

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!_active[column.Index])
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was created.");
            var data = _view._data;
            Delegate getter = column.Index == 0
                ? data.Features switch
                {
                    DenseFeatures dense => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
                    {
                        var editor = VBufferEditor.Create(ref value, dense.Dimension);
                        dense.Row(Row).CopyTo(editor.Values);
                        value = editor.Commit();
                    }),
                    SparseFeatures sparse => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
                    {
                        int start = sparse.RowStarts[Row], count = sparse.RowStarts[Row + 1] - start;
                        var editor = VBufferEditor.Create(ref value, sparse.Dimension, count);
                        sparse.Values.AsSpan(start, count).CopyTo(editor.Values);
                        sparse.Indices.AsSpan(start, count).CopyTo(editor.Indices);
                        value = editor.Commit();
                    }),
                    _ => throw new NotSupportedException(data.Features.GetType().Name),
                }
                : data.Tasks[column.Index - 1].Kind.Evaluation == EvaluationFamily.Binary
                    ? (ValueGetter<bool>)((ref bool value) => value = data.Labels[column.Index - 1][Row] == 1f)
                    : (ValueGetter<float>)((ref float value) => value = data.Labels[column.Index - 1][Row]);
            return (ValueGetter<TValue>)getter;
        }

        private int Row => _position is >= 0 and < int.MaxValue ? (int)_position : throw new InvalidOperationException("The cursor is not on a row.");
    }
}
