using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data;

namespace MlNetMtl.MLNet.Evaluation;

/// <summary>
/// The rows of a data view that hold a label for one task, with that label appended as <see cref="ColumnName"/> in the
/// type the task's ML.NET evaluator (and a trainer of that family) takes — Boolean, Single, or a k-value key —
/// whatever the label column's own type (text, numbers, Boolean, key). What a task is evaluated, and a single-task
/// baseline trained, on.
/// </summary>
internal sealed class TaskLabelView : IDataView
{
    private readonly IDataView _source;
    private readonly TaskColumn _task;
    private readonly DataViewSchema.Column _label;

    public TaskLabelView(IDataView source, TaskColumn task)
    {
        _source = source;
        _task = task;
        _label = source.Schema.GetColumnOrNull(task.LabelColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(source), $"Label column '{task.LabelColumnName}' of task '{task.Name}' is not in the data.");
        ColumnName = $"{task.Name}.Label";
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(source.Schema);
        builder.AddColumn(ColumnName, task.Kind.Evaluation switch
        {
            EvaluationFamily.Binary => BooleanDataViewType.Instance,
            EvaluationFamily.Multiclass => new KeyDataViewType(typeof(uint), task.ClassCount),
            _ => NumberDataViewType.Single,
        });
        Schema = builder.ToSchema();
    }

    /// <summary>The appended label column: <c>task.Label</c>.</summary>
    public string ColumnName { get; }

    public DataViewSchema Schema { get; }
    public bool CanShuffle => false;
    public long? GetRowCount() => null;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.Where(c => c.Index < _source.Schema.Count).Select(c => _source.Schema[c.Index]).Append(_label).DistinctBy(c => c.Index);
        return new Cursor(this, _source.GetRowCursor(needed));
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [GetRowCursor(columnsNeeded, rand)];

    /// <summary>How many of the task's labelled rows are positive and negative (binary), or how many are labelled (others).</summary>
    public (long Positive, long Negative) CountLabels()
    {
        using var cursor = _source.GetRowCursor([_label]);
        var read = LabelReader.Create(cursor, _label, _task);
        long positive = 0, negative = 0;
        for (long row = 0; cursor.MoveNext(); row++)
        {
            float label = read(row);
            if (float.IsNaN(label))
                continue;
            if (_task.Kind.Evaluation == EvaluationFamily.Binary && label == 1f)
                positive++;
            else
                negative++;
        }
        return (positive, negative);
    }

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly TaskLabelView _view;
        private readonly DataViewRowCursor _source;
        private readonly Func<long, float> _read;
        private long _sourceRow = -1, _position = -1;
        private float _label;

        public Cursor(TaskLabelView view, DataViewRowCursor source)
        {
            _view = view;
            _source = source;
            _read = LabelReader.Create(source, view._label, view._task);
        }

        public override DataViewSchema Schema => _view.Schema;
        public override long Position => _position;
        public override long Batch => 0;
        public override ValueGetter<DataViewRowId> GetIdGetter() => _source.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) =>
            column.Index == _view._source.Schema.Count || _source.IsColumnActive(_source.Schema[column.Index]);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index < _view._source.Schema.Count)
                return _source.GetGetter<TValue>(_source.Schema[column.Index]);
            Delegate getter = _view._task.Kind.Evaluation switch
            {
                EvaluationFamily.Binary => (ValueGetter<bool>)((ref bool value) => value = _label == 1f),
                EvaluationFamily.Multiclass => (ValueGetter<uint>)((ref uint value) => value = (uint)_label + 1),
                _ => (ValueGetter<float>)((ref float value) => value = _label),
            };
            return getter as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Column '{column.Name}' holds {column.Type}; it cannot be read as {typeof(TValue).Name}.");
        }

        public override bool MoveNext()
        {
            while (_source.MoveNext())
            {
                _label = _read(++_sourceRow);
                if (float.IsNaN(_label))
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
