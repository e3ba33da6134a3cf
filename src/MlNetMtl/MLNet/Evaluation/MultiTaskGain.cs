using System.Globalization;
using System.Text;
using Microsoft.ML;

namespace MlNetMtl.MLNet.Evaluation;

/// <summary>One task's multi-task metric against its single-task counterpart's.</summary>
/// <param name="Task">The task.</param>
/// <param name="Metric">The kind's headline metric: "AUC" (binary), "RMSE" (regression) or "accuracy" (multiclass, micro).</param>
/// <param name="MultiTask">The metric of the multi-task model.</param>
/// <param name="SingleTask">The metric of the same architecture trained on this task alone.</param>
/// <param name="RelativeGain">(−1)^l·(M − M_single)/M_single with l = 1 when lower is better (RMSE): positive is better.</param>
public sealed record TaskGain(string Task, string Metric, double MultiTask, double SingleTask, double RelativeGain);

/// <summary>What training the tasks together gained over training each alone (LibMTL's Δp).</summary>
/// <param name="Tasks">Per-task results.</param>
/// <param name="MeanRelativeGain">Δp = mean over tasks of <see cref="TaskGain.RelativeGain"/> (× 100 for percent).</param>
/// <param name="SingleTaskArchitecture">The architecture name of the single-task models (shared-bottom for ESMM and AITM, which need two tasks).</param>
public sealed record MultiTaskGainReport(IReadOnlyList<TaskGain> Tasks, double MeanRelativeGain, string SingleTaskArchitecture)
{
    /// <summary>The report as a text table.</summary>
    public string ToTable()
    {
        var text = new StringBuilder();
        text.AppendLine(string.Format(CultureInfo.InvariantCulture, "{0,-16} {1,-9} {2,11} {3,12} {4,9}", "Task", "Metric", "Multi-task", "Single-task", "Δ"));
        foreach (var t in Tasks)
            text.AppendLine(string.Format(CultureInfo.InvariantCulture, "{0,-16} {1,-9} {2,11:F4} {3,12:F4} {4,8:+0.00;-0.00}%", t.Task, t.Metric, t.MultiTask, t.SingleTask, 100 * t.RelativeGain));
        text.AppendLine(string.Format(CultureInfo.InvariantCulture, "Δp (mean relative gain): {0:+0.00;-0.00}%", 100 * MeanRelativeGain));
        return text.ToString();
    }
}

internal static class MultiTaskGainEvaluator
{
    public static MultiTaskGainReport Measure(MLContext ml, IDataView train, IDataView test, MultiTaskNetworkTrainerOptions options, IProgress<TaskGain>? progress)
    {
        var multi = Metrics(ml, ml.MultiTask().Network(options).Fit(train), test);
        var single = options.Network.SingleTaskCounterpart;
        var gains = new List<TaskGain>();
        foreach (var task in options.Tasks)
        {
            var alone = options.With([task], single);
            double singleMetric = Metrics(ml, ml.MultiTask().Network(alone).Fit(train), test)[task.Name];
            double multiMetric = multi[task.Name];
            double sign = task.Kind.HeadlineLowerIsBetter ? -1 : 1;
            var gain = new TaskGain(task.Name, task.Kind.HeadlineMetric, multiMetric, singleMetric, sign * (multiMetric - singleMetric) / singleMetric);
            gains.Add(gain);
            progress?.Report(gain);
        }
        return new MultiTaskGainReport(gains, gains.Average(g => g.RelativeGain), single.Name);
    }

    private static Dictionary<string, double> Metrics(MLContext ml, MultiTaskTransformer model, IDataView test) =>
        ml.MultiTask().Evaluate(model.Transform(test), model).ToDictionary(m => m.Task, m => m.Headline);
}
