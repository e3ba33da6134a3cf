using Microsoft.ML;
using MlNetMtl.Data;

namespace MlNetMtl.Evaluation;

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
            results.Add(task.Kind switch
            {
                TaskKind.Binary => new TaskMetrics(task.Name, task.Kind, context.BinaryClassification.Evaluate(data, data.ColumnName,
                    OutputColumnNames.Score(task.Name), OutputColumnNames.Probability(task.Name), OutputColumnNames.PredictedLabel(task.Name)), null),
                TaskKind.Multiclass => new TaskMetrics(task.Name, task.Kind, null, null, context.MulticlassClassification.Evaluate(data, data.ColumnName,
                    OutputColumnNames.Score(task.Name), OutputColumnNames.PredictedLabel(task.Name))),
                _ => new TaskMetrics(task.Name, task.Kind, null, context.Regression.Evaluate(data, data.ColumnName, OutputColumnNames.Score(task.Name))),
            });
        }
        return new MultiTaskMetrics(results);
    }

    private static void CheckEvaluable(TaskColumn task, (long Positive, long Negative) counts)
    {
        if (counts.Positive + counts.Negative == 0)
            throw new ArgumentException($"Task '{task.Name}': no row holds a label in column '{task.LabelColumnName}', so the task cannot be evaluated.");
        if (task.Kind == TaskKind.Binary && (counts.Positive == 0 || counts.Negative == 0))
            throw new ArgumentException($"Binary task '{task.Name}': the {counts.Positive + counts.Negative:N0} evaluated rows are all {(counts.Positive == 0 ? "negative" : "positive")} " +
                $"in label column '{task.LabelColumnName}'; AUC and the other binary metrics need both classes.");
    }
}
