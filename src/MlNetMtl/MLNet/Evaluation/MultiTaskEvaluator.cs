using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data;
using RankingMetrics = MlNetMtl.Evaluation.RankingMetrics;

namespace MlNetMtl.MLNet.Evaluation;

/// <summary>Runs ML.NET's own evaluator on each task's output columns, over the rows that hold the task's label.</summary>
internal static class MultiTaskEvaluator
{
    /// <exception cref="ArgumentException">A task's output or label column is missing, no row holds its label, or a binary task's rows hold one class only.</exception>
    public static MultiTaskMetrics Evaluate(MLContext context, IDataView scored, IEnumerable<TaskColumn> tasks)
    {
        ArgumentNullException.ThrowIfNull(scored);
        var results = new List<TaskMetrics>();
        foreach (var task in tasks)
        {
            foreach (string column in OutputColumnNames.For(task.Name, task.Kind))
                if (scored.Schema.GetColumnOrNull(column) is null)
                    throw new ArgumentOutOfRangeException(nameof(scored), $"Column '{column}' of task '{task.Name}' is not in the scored data (transform it with the model first).");
            if (scored.Schema.GetColumnOrNull(task.LabelColumnName) is null)
                throw new ArgumentException($"Label column '{task.LabelColumnName}' of task '{task.Name}' is not in the data, so the task cannot be evaluated.", nameof(scored));
            var data = new TaskLabelView(scored, task);
            CheckEvaluable(task, data.CountLabels());
            string Column(TaskOutputValue value) => OutputColumnNames.Of(task.Name, task.Kind, value);
            results.Add(task.Kind.Evaluation switch
            {
                EvaluationFamily.Binary => new TaskMetrics(task.Name, task.Kind, context.BinaryClassification.Evaluate(data, data.ColumnName,
                    Column(TaskOutputValue.Score), Column(TaskOutputValue.Probability), Column(TaskOutputValue.Decision)), null),
                EvaluationFamily.Multiclass => new TaskMetrics(task.Name, task.Kind, null, null, context.MulticlassClassification.Evaluate(data, data.ColumnName,
                    Column(TaskOutputValue.ClassProbabilities), Column(TaskOutputValue.PredictedClass)), MacroAuc(data, task)),
                _ => new TaskMetrics(task.Name, task.Kind, null, context.Regression.Evaluate(data, data.ColumnName, Column(TaskOutputValue.Score))),
            });
        }
        return new MultiTaskMetrics(results);
    }

    /// <summary>The mean over classes of the AUC of "this class" against the rest, ranked by the class's probability.</summary>
    private static double MacroAuc(TaskLabelView data, TaskColumn task)
    {
        var scores = new List<float[]>();
        var classes = new List<uint>();
        var scoreColumn = data.Schema[OutputColumnNames.Of(task.Name, task.Kind, TaskOutputValue.ClassProbabilities)];
        var labelColumn = data.Schema[data.ColumnName];
        using (var cursor = data.GetRowCursor([scoreColumn, labelColumn]))
        {
            var score = cursor.GetGetter<VBuffer<float>>(scoreColumn);
            var label = cursor.GetGetter<uint>(labelColumn);
            var buffer = default(VBuffer<float>);
            uint key = 0;
            while (cursor.MoveNext())
            {
                score(ref buffer);
                label(ref key);
                scores.Add(buffer.DenseValues().ToArray());
                classes.Add(key - 1);
            }
        }
        var aucs = new List<double>();
        var column = new float[scores.Count];
        var isClass = new float[scores.Count];
        for (int c = 0; c < task.ClassCount; c++)
        {
            for (int r = 0; r < scores.Count; r++)
            {
                column[r] = scores[r][c];
                isClass[r] = classes[r] == c ? 1f : 0f;
            }
            double auc = RankingMetrics.Auc(column, isClass);
            if (!double.IsNaN(auc))
                aucs.Add(auc);
        }
        return aucs.Count == 0 ? double.NaN : aucs.Average();
    }

    /// <summary>Throws unless the task's rows hold a label, and both classes for a binary task.</summary>
    internal static void CheckEvaluable(TaskColumn task, (long Positive, long Negative) counts)
    {
        if (counts.Positive + counts.Negative == 0)
            throw new ArgumentException($"Task '{task.Name}': no row holds a label in column '{task.LabelColumnName}', so the task cannot be evaluated.");
        if (task.Kind.Evaluation == EvaluationFamily.Binary && (counts.Positive == 0 || counts.Negative == 0))
            throw new ArgumentException($"Binary task '{task.Name}': the {counts.Positive + counts.Negative:N0} evaluated rows are all {(counts.Positive == 0 ? "negative" : "positive")} " +
                $"in label column '{task.LabelColumnName}'; AUC and the other binary metrics need both classes.");
    }
}
