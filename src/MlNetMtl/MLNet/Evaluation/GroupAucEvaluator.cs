using Microsoft.ML;
using MlNetMtl.Data;
using RankingMetrics = MlNetMtl.Evaluation.RankingMetrics;

namespace MlNetMtl.MLNet.Evaluation;

/// <summary>Group AUC (GAUC): impression-weighted mean of per-group AUC.</summary>
/// <param name="Value">Σ n_g·AUC_g / Σ n_g over the groups holding both classes; NaN when there is none.</param>
/// <param name="GroupsUsed">Groups that hold both classes.</param>
/// <param name="GroupsSkipped">Groups with one class only (their AUC is undefined).</param>
/// <param name="RowsUsed">Rows of the groups used.</param>
public sealed record GroupAucResult(double Value, int GroupsUsed, int GroupsSkipped, long RowsUsed);

internal static class GroupAucEvaluator
{
    /// <summary>GAUC of <paramref name="task"/> from its score column (the multi-task model's, or <paramref name="scoreColumnName"/>: another model's scores).</summary>
    public static GroupAucResult Evaluate(IDataView scored, TaskColumn task, string groupColumnName, string? scoreColumnName = null)
    {
        if (task.Kind.Evaluation != EvaluationFamily.Binary)
            throw new ArgumentException($"Group AUC needs a binary task; '{task.Name}' is {task.Kind}.", nameof(task));
        scoreColumnName ??= OutputColumnNames.Score(task.Name);
        var score = scored.Schema.GetColumnOrNull(scoreColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(scored), $"Column '{scoreColumnName}' is not in the scored data.");
        var label = scored.Schema.GetColumnOrNull(task.LabelColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(scored), $"Label column '{task.LabelColumnName}' is not in the scored data.");
        var group = scored.Schema.GetColumnOrNull(groupColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(groupColumnName), $"Group column '{groupColumnName}' is not in the scored data.");

        var groups = new Dictionary<object, (List<float> Scores, List<float> Labels)>();
        using (var cursor = scored.GetRowCursor([score, label, group]))
        {
            var scoreGetter = cursor.GetGetter<float>(score);
            var labelGetter = LabelReader.Create(cursor, label, task);
            var groupGetter = GroupKey(cursor, group);
            float value = 0;
            long row = 0;
            while (cursor.MoveNext())
            {
                float rowLabel = labelGetter(row++);
                if (float.IsNaN(rowLabel))
                    continue; // a missing label takes no part in any group's AUC
                scoreGetter(ref value);
                object key = groupGetter();
                if (!groups.TryGetValue(key, out var members))
                    groups[key] = members = (new List<float>(), new List<float>());
                members.Scores.Add(value);
                members.Labels.Add(rowLabel);
            }
        }

        double weighted = 0;
        long rows = 0;
        int used = 0, skipped = 0;
        foreach (var (scores, labels) in groups.Values)
        {
            double auc = RankingMetrics.Auc(scores.ToArray(), labels.ToArray());
            if (double.IsNaN(auc))
            {
                skipped++;
                continue;
            }
            weighted += auc * scores.Count;
            rows += scores.Count;
            used++;
        }
        return new GroupAucResult(rows == 0 ? double.NaN : weighted / rows, used, skipped, rows);
    }

    /// <summary>The current row's group as a dictionary key, for the column types a group id comes in.</summary>
    internal static Func<object> GroupKey(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        Func<object> Read<T>()
        {
            var getter = cursor.GetGetter<T>(column);
            return () =>
            {
                T value = default!;
                getter(ref value);
                return value is ReadOnlyMemory<char> text ? text.ToString() : value!;
            };
        }
        return column.Type.RawType switch
        {
            var t when t == typeof(ReadOnlyMemory<char>) => Read<ReadOnlyMemory<char>>(),
            var t when t == typeof(uint) => Read<uint>(),
            var t when t == typeof(ulong) => Read<ulong>(),
            var t when t == typeof(int) => Read<int>(),
            var t when t == typeof(long) => Read<long>(),
            var t when t == typeof(float) => Read<float>(),
            var t when t == typeof(double) => Read<double>(),
            var t when t == typeof(bool) => Read<bool>(),
            _ => throw new ArgumentOutOfRangeException(nameof(column), $"Group column '{column.Name}' has type {column.Type}; use text, a key or a number."),
        };
    }
}
