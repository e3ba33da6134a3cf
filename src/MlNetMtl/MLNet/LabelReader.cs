using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data;

namespace MlNetMtl.MLNet;

/// <summary>
/// Reads one label column of any accepted type as a float: 0/1 for binary tasks, the value for regression, the class
/// index 0 … k−1 for multiclass, NaN for a missing label (NaN, a missing text cell, a key of 0, or the task's
/// <see cref="TaskColumn.MissingLabelValue"/>). Text labels are read as the task says: boolean words or the
/// <see cref="TaskColumn.PositiveValue"/> (binary), numbers (regression), <see cref="TaskColumn.ClassNames"/> (multiclass).
/// </summary>
internal static class LabelReader
{
    /// <summary>A function returning the current row's label; the row number only serves error messages.</summary>
    public static Func<long, float> Create(DataViewRowCursor cursor, DataViewSchema.Column column, TaskColumn task)
    {
        Func<long, float> raw = column.Type switch
        {
            BooleanDataViewType => Boolean(cursor.GetGetter<bool>(column)),
            KeyDataViewType => Key(cursor.GetGetter<uint>(column)),
            TextDataViewType => Text(cursor.GetGetter<ReadOnlyMemory<char>>(column), task),
            NumberDataViewType when column.Type == NumberDataViewType.Double => Double(cursor.GetGetter<double>(column)),
            _ => Single(cursor.GetGetter<float>(column)),
        };
        return row =>
        {
            float label = raw(row);
            if (float.IsNaN(label) || label == task.MissingLabelValue)
                return float.NaN;
            if (!float.IsFinite(label))
                throw new ArgumentException($"Label column '{task.LabelColumnName}' of task '{task.Name}', row {row}: the label is {label}; labels must be finite.");
            if (task.Kind == TaskKind.Binary && label != 0f && label != 1f)
                throw new ArgumentException($"Label column '{task.LabelColumnName}' of binary task '{task.Name}', row {row}: {label} is not 0 or 1.");
            return label;
        };
    }

    private static Func<long, float> Boolean(ValueGetter<bool> getter) => _ =>
    {
        bool value = false;
        getter(ref value);
        return value ? 1f : 0f;
    };

    private static Func<long, float> Single(ValueGetter<float> getter) => _ =>
    {
        float value = 0;
        getter(ref value);
        return value;
    };

    private static Func<long, float> Double(ValueGetter<double> getter) => _ =>
    {
        double value = 0;
        getter(ref value);
        return (float)value;
    };

    /// <summary>Key 1 (the first value) is class 0 — for a binary task the negative class; key 0 (missing) is NaN.</summary>
    private static Func<long, float> Key(ValueGetter<uint> getter) => _ =>
    {
        uint value = 0;
        getter(ref value);
        return value == 0 ? float.NaN : value - 1;
    };

    private static Func<long, float> Text(ValueGetter<ReadOnlyMemory<char>> getter, TaskColumn task)
    {
        var read = TextLabel(task);
        ReadOnlyMemory<char> value = default;
        return row =>
        {
            getter(ref value);
            var cell = value.Span.Trim();
            return TextValues.IsMissing(cell) ? float.NaN : read(cell, row);
        };
    }

    private delegate float CellReader(ReadOnlySpan<char> cell, long row);

    /// <summary>How a task reads a present (not missing) text label.</summary>
    private static CellReader TextLabel(TaskColumn task)
    {
        switch (task.Kind)
        {
            case TaskKind.Binary when task.PositiveValue is { } positive:
                return (cell, _) => cell.SequenceEqual(positive) ? 1f : 0f;
            case TaskKind.Binary:
                return (cell, row) => TextValues.TryParseBoolean(cell, out bool value) ? value ? 1f : 0f
                    : throw new ArgumentException($"Label column '{task.LabelColumnName}' of binary task '{task.Name}', row {row}: '{cell}' is not a boolean value " +
                        $"({TextValues.BooleanWords}); give the task its positive value (TaskColumn positiveValue, or --task {task.Name}:{task.LabelColumnName}:binary:positive=VALUE).");
            case TaskKind.Multiclass:
                var classes = task.ClassNames ?? throw new ArgumentException(
                    $"Multiclass task '{task.Name}': label column '{task.LabelColumnName}' holds text, but the task's class names are not known.");
                var index = classes.Select((name, i) => (name, i)).ToDictionary(c => c.name, c => (float)c.i, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
                return (cell, row) => index.TryGetValue(cell, out float found) ? found
                    : throw new ArgumentException($"Label column '{task.LabelColumnName}' of multiclass task '{task.Name}', row {row}: '{cell}' is not one of its " +
                        $"{classes.Count} classes ({TaskClasses.List(classes)}).");
            default:
                return (cell, row) => TextValues.TryParseNumber(cell, out float number) ? number
                    : throw new ArgumentException($"Label column '{task.LabelColumnName}' of regression task '{task.Name}', row {row}: '{cell}' is not a number.");
        }
    }
}
