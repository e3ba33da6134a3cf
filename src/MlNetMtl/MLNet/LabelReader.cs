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
            if (task.Kind.LabelProblem(label, task.ClassCount) is { } problem)
                throw new ArgumentException($"Label column '{task.LabelColumnName}' of {task.Kind.Name.ToLowerInvariant()} task '{task.Name}', row {row}: {problem}.");
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
        var read = task.Kind.TextLabels(new TextLabelRules(task.Name, task.LabelColumnName, task.PositiveValue, task.ClassNames));
        ReadOnlyMemory<char> value = default;
        return row =>
        {
            getter(ref value);
            var cell = value.Span.Trim();
            return TextValues.IsMissing(cell) ? float.NaN : read(cell, row);
        };
    }
}
