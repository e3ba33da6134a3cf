using System.Globalization;
using System.Text;
using Microsoft.ML.Data;
using MlNetMtl.Data;

namespace MlNetMtl.MLNet.Evaluation;

/// <summary>One task's metrics from ML.NET's evaluator: the one of <see cref="Binary"/>, <see cref="Regression"/> or <see cref="Multiclass"/> of its kind is set.</summary>
/// <param name="Task">The task's name.</param>
/// <param name="Kind">Its kind.</param>
/// <param name="Binary">A binary task's metrics.</param>
/// <param name="Regression">A regression task's metrics.</param>
/// <param name="Multiclass">A multiclass task's metrics.</param>
/// <param name="MacroAuc">A multiclass task's one-vs-rest AUC averaged over the classes that occur (NaN when none can be scored).</param>
public sealed record TaskMetrics(string Task, TaskKind Kind, CalibratedBinaryClassificationMetrics? Binary, RegressionMetrics? Regression,
    MulticlassClassificationMetrics? Multiclass = null, double? MacroAuc = null)
{
    /// <summary>Multiclass: F1 of each class weighted by its share of the rows (support), from the confusion matrix.</summary>
    public double? WeightedF1 => Multiclass is null ? null : Evaluation.WeightedF1.FromConfusion(Multiclass.ConfusionMatrix.Counts);

    /// <summary>The task kind's headline metric (<see cref="TaskKind.HeadlineMetric"/>): AUC, RMSE or micro accuracy.</summary>
    public double Headline => Binary?.AreaUnderRocCurve ?? Regression?.RootMeanSquaredError ?? Multiclass!.MicroAccuracy;

    /// <summary>
    /// A score on one scale for every task, higher better and 1 perfect: AUC (binary), macro one-vs-rest AUC (multiclass)
    /// or R² (regression); what the experiment's default metric averages.
    /// </summary>
    public double Score => Binary?.AreaUnderRocCurve ?? Regression?.RSquared ?? MacroAuc ?? double.NaN;
}

/// <summary>Every task's metrics, in task order, with a printable table.</summary>
public sealed class MultiTaskMetrics(IReadOnlyList<TaskMetrics> tasks) : IReadOnlyList<TaskMetrics>
{
    /// <summary>The table's column headers.</summary>
    /// <remarks>For multiclass tasks AUC is the macro one-vs-rest AUC, Accuracy the micro accuracy and F1 the weighted F1.</remarks>
    public static IReadOnlyList<string> Headers { get; } = ["Task", "Kind", "AUC", "Accuracy", "Precision", "Recall", "F1", "Log-loss", "RMSE", "MAE", "R²"];

    /// <summary>The metrics of the task named <paramref name="task"/>.</summary>
    public TaskMetrics this[string task] => tasks.FirstOrDefault(t => t.Task == task) ?? throw new KeyNotFoundException($"No task named '{task}'.");

    /// <inheritdoc/>
    public TaskMetrics this[int index] => tasks[index];
    /// <inheritdoc/>
    public int Count => tasks.Count;
    /// <inheritdoc/>
    public IEnumerator<TaskMetrics> GetEnumerator() => tasks.GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>One row of cells per task, under <see cref="Headers"/>; "-" where a metric does not apply.</summary>
    public IEnumerable<string[]> Rows() => tasks.Select(t =>
    {
        string F(double? value) => value is { } v ? v.ToString("F4", CultureInfo.InvariantCulture) : "-";
        var b = t.Binary;
        var r = t.Regression;
        var m = t.Multiclass;
        return new[] { t.Task, t.Kind.ToString(), F(b?.AreaUnderRocCurve ?? t.MacroAuc), F(b?.Accuracy ?? m?.MicroAccuracy), F(b?.PositivePrecision), F(b?.PositiveRecall),
            F(b?.F1Score ?? t.WeightedF1), F(b?.LogLoss ?? m?.LogLoss), F(r?.RootMeanSquaredError), F(r?.MeanAbsoluteError), F(r?.RSquared) };
    });

    /// <summary>The metrics as a fixed-width text table.</summary>
    public string ToTable()
    {
        var rows = Rows().Prepend(Headers.ToArray()).ToArray();
        var widths = Enumerable.Range(0, Headers.Count).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
            text.AppendLine(string.Join("  ", row.Select((cell, c) => c < 2 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd());
        return text.ToString();
    }

    /// <inheritdoc/>
    public override string ToString() => ToTable();
}
