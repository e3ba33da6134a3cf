using Microsoft.ML;
using MlNetMtl.Data;

namespace MlNetMtl.Evaluation;

/// <summary>Runs ML.NET's own evaluator on each task's output columns.</summary>
internal static class MultiTaskEvaluator
{
    public static MultiTaskMetrics Evaluate(MLContext context, IDataView scored, IEnumerable<TaskColumn> tasks)
    {
        ArgumentNullException.ThrowIfNull(scored);
        var results = new List<TaskMetrics>();
        foreach (var task in tasks)
        {
            foreach (string column in OutputColumnNames.For(task.Name, task.Kind).Append(task.LabelColumnName))
                if (scored.Schema.GetColumnOrNull(column) is null)
                    throw new ArgumentOutOfRangeException(nameof(scored), $"Column '{column}' of task '{task.Name}' is not in the scored data (transform it with the model first).");
            var data = task.MissingLabels == MissingLabelPolicy.Mask || task.MissingLabelValue is not null ? new LabelledRowsView(scored, task) : scored;
            results.Add(task.Kind switch
            {
                TaskKind.Binary => new TaskMetrics(task.Name, task.Kind, context.BinaryClassification.Evaluate(data, task.LabelColumnName,
                    OutputColumnNames.Score(task.Name), OutputColumnNames.Probability(task.Name), OutputColumnNames.PredictedLabel(task.Name)), null),
                TaskKind.Multiclass => new TaskMetrics(task.Name, task.Kind, null, null, context.MulticlassClassification.Evaluate(data, task.LabelColumnName,
                    OutputColumnNames.Score(task.Name), OutputColumnNames.PredictedLabel(task.Name))),
                _ => new TaskMetrics(task.Name, task.Kind, null, context.Regression.Evaluate(data, task.LabelColumnName, OutputColumnNames.Score(task.Name))),
            });
        }
        return new MultiTaskMetrics(results);
    }
}
