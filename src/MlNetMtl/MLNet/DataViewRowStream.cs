using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data;

namespace MlNetMtl.MLNet;

/// <summary>
/// An <see cref="IDataView"/> read as a training stream: each pass opens a cursor over the feature, label and
/// weight columns and hands over one row at a time (sparse vectors as their non-zeros), so the rows never need to fit
/// in memory together.
/// </summary>
internal sealed class DataViewRowStream : IRowStream
{
    private readonly IDataView _data;
    private readonly DataViewSchema.Column _feature;
    private readonly IReadOnlyList<TaskColumn> _tasks;
    private readonly DataViewSchema.Column[] _labels;
    private readonly DataViewSchema.Column?[] _taskWeights;
    private readonly DataViewSchema.Column? _sharedWeight;

    public DataViewRowStream(IDataView data, string featureColumn, IReadOnlyList<TaskColumn> tasks, string? weightColumn)
    {
        ColumnRules.Check(data.Schema, featureColumn, tasks);
        if (weightColumn is not null)
            WeightReader.Check(data.Schema, weightColumn, "weight");
        foreach (var task in tasks.Where(t => t.WeightColumnName is not null))
            WeightReader.Check(data.Schema, task.WeightColumnName!, $"weight (task '{task.Name}')");
        _data = data;
        _feature = data.Schema[featureColumn];
        _tasks = tasks;
        _labels = tasks.Select(t => data.Schema[t.LabelColumnName]).ToArray();
        _taskWeights = tasks.Select(t => t.WeightColumnName is null ? (DataViewSchema.Column?)null : data.Schema[t.WeightColumnName]).ToArray();
        _sharedWeight = weightColumn is null ? null : data.Schema[weightColumn];
        Tasks = tasks.Select(t => t.Definition).ToArray();
        Dimension = ((VectorDataViewType)_feature.Type).Size;
    }

    public IReadOnlyList<TaskDefinition> Tasks { get; }
    public int Dimension { get; }

    public IRowReader Open() => new Reader(this);

    private sealed class Reader : IRowReader
    {
        private readonly DataViewRowCursor _cursor;
        private readonly ValueGetter<VBuffer<float>> _features;
        private readonly Func<long, float>[] _labels;
        private readonly Func<long, float>?[] _taskWeights;
        private readonly Func<long, float>? _sharedWeight;
        private VBuffer<float> _buffer;
        private long _row;

        public Reader(DataViewRowStream stream)
        {
            var needed = stream._labels.Append(stream._feature)
                .Concat(stream._taskWeights.Append(stream._sharedWeight).OfType<DataViewSchema.Column>()).DistinctBy(c => c.Index);
            _cursor = stream._data.GetRowCursor(needed);
            _features = _cursor.GetGetter<VBuffer<float>>(stream._feature);
            _labels = stream._tasks.Select((task, t) => LabelReader.Create(_cursor, stream._labels[t], task)).ToArray();
            _taskWeights = stream._taskWeights.Select(c => c is null ? null : WeightReader.Create(_cursor, c.Value)).ToArray();
            _sharedWeight = stream._sharedWeight is null ? null : WeightReader.Create(_cursor, stream._sharedWeight.Value);
        }

        public bool Read(RowFeatures features, Span<float> labels, Span<float> weights)
        {
            if (!_cursor.MoveNext())
                return false;
            _features(ref _buffer);
            if (_buffer.IsDense)
                features.SetDense(_buffer.GetValues());
            else
                features.SetSparse(_buffer.GetIndices(), _buffer.GetValues());
            float shared = _sharedWeight?.Invoke(_row) ?? 1f;
            for (int t = 0; t < _labels.Length; t++)
            {
                labels[t] = _labels[t](_row);
                weights[t] = shared * (_taskWeights[t]?.Invoke(_row) ?? 1f);
            }
            _row++;
            return true;
        }

        public void Dispose() => _cursor.Dispose();
    }
}
