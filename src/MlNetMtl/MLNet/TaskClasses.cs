using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data;
using MlNetMtl.Data.TaskKinds;

namespace MlNetMtl.MLNet;

/// <summary>The classes of multiclass tasks: read from a key label's type and values, or from a text label's distinct values.</summary>
internal static class TaskClasses
{
    /// <summary>
    /// The tasks with every multiclass task's class count (and names, where the label has them) set: a key label gives
    /// its count and key values; a text label one pass over that column gives its distinct values, in class order.
    /// </summary>
    /// <exception cref="ArgumentException">A text label with fewer than two classes, or class names that disagree with the key type.</exception>
    public static TaskColumn[] Resolve(IDataView data, IReadOnlyList<TaskColumn> tasks)
    {
        var resolved = tasks.ToArray();
        var scan = new List<int>();
        for (int t = 0; t < resolved.Length; t++)
        {
            var task = resolved[t];
            if (!task.Kind.HasClasses || data.Schema.GetColumnOrNull(task.LabelColumnName) is not { } label)
                continue;
            if (label.Type is KeyDataViewType key)
            {
                var names = KeyNames(label);
                if (task.ClassNames is { } given && given.Count != (int)key.Count)
                    throw new ArgumentException($"Multiclass task '{task.Name}' names {given.Count} classes but label column '{task.LabelColumnName}' is a key with {key.Count} values.");
                if (task.ClassNames is null)
                    resolved[t] = task.WithClasses(checked((int)key.Count), names);
            }
            else if (label.Type is TextDataViewType && task.ClassNames is null)
            {
                scan.Add(t);
            }
        }
        if (scan.Count > 0)
            foreach (var (t, names) in scan.Zip(DistinctTexts(data, scan.Select(t => resolved[t].LabelColumnName).ToArray())))
            {
                if (names.Count < 2)
                    throw new ArgumentException($"Multiclass task '{resolved[t].Name}': label column '{resolved[t].LabelColumnName}' holds " +
                        (names.Count == 0 ? "no labels" : $"one class only ('{names[0]}')") + "; a multiclass task needs at least two.");
                resolved[t] = resolved[t].WithClasses(names.Count, names);
            }
        return resolved;
    }

    /// <summary>The text values of a key column's type, or null when it has none.</summary>
    private static string[]? KeyNames(DataViewSchema.Column column)
    {
        if (column.Annotations.Schema.GetColumnOrNull("KeyValues") is not { Type: VectorDataViewType { ItemType: TextDataViewType } })
            return null;
        var values = default(VBuffer<ReadOnlyMemory<char>>);
        column.GetKeyValues(ref values);
        return values.DenseValues().Select(v => v.ToString()).ToArray();
    }

    /// <summary>The distinct present values of text columns, each in class order (<see cref="MulticlassTaskKind.Order"/>).</summary>
    private static IReadOnlyList<string>[] DistinctTexts(IDataView data, string[] columns)
    {
        var schemaColumns = columns.Select(c => data.Schema[c]).ToArray();
        var sets = columns.Select(_ => new HashSet<string>(StringComparer.Ordinal)).ToArray();
        using (var cursor = data.GetRowCursor(schemaColumns.DistinctBy(c => c.Index)))
        {
            var getters = schemaColumns.Select(cursor.GetGetter<ReadOnlyMemory<char>>).ToArray();
            ReadOnlyMemory<char> value = default;
            while (cursor.MoveNext())
                for (int c = 0; c < getters.Length; c++)
                {
                    getters[c](ref value);
                    var cell = value.Span.Trim();
                    if (!TextValues.IsMissing(cell) && !sets[c].GetAlternateLookup<ReadOnlySpan<char>>().Contains(cell))
                        sets[c].Add(cell.ToString());
                }
        }
        return sets.Select(s => (IReadOnlyList<string>)MulticlassTaskKind.Order(s)).ToArray();
    }
}
