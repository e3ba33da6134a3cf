using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data;
using MlNetMtl.Experiments;
using MlNetMtl.MLNet;
using MlNetMtl.MLNet.Evaluation;
using ScottPlot;
using RankingMetrics = MlNetMtl.Evaluation.RankingMetrics;

namespace MlNetMtl.Cli.Experiment;

/// <summary>
/// <c>report.md</c> and its images: the leaderboard with Δ over the single-task baselines, each binary task's ROC curve on
/// the test rows, each task's training and validation loss per epoch, the loss-weighting strategy's task weights per
/// epoch, and (MMoE/PLE) the mean gate weight of each expert per task — all of the best trial.
/// </summary>
internal static class ExperimentReport
{
    private const int Width = 800, Height = 500;

    /// <summary>Writes the report and its PNGs into <paramref name="folder"/>; returns the image file names.</summary>
    public static IReadOnlyList<string> Write(MLContext ml, StagedFolder folder, ExperimentSettings settings, ExperimentData data, Leaderboard board,
        IReadOnlyList<TrialResult> trials, ExperimentMetric metric, IReadOnlyDictionary<string, GroupAucResult> groupAucs)
    {
        var images = new List<string>();
        var best = board.Best.Model!;
        var scored = best.Transform(data.Test);
        foreach (var task in data.Tasks.Where(t => t.Kind.Evaluation == EvaluationFamily.Binary))
            if (Roc(scored, task, folder.File($"roc_{FileName(task.Name)}.png")) is { } roc)
                images.Add(roc);
        foreach (var (task, t) in data.Tasks.Select((task, t) => (task, t)))
            images.Add(Loss(best, task, t, folder.File($"loss_{FileName(task.Name)}.png")));
        images.Add(TaskWeights(best, data.Tasks, board.Best.Settings.Weighting, folder.File("task_weights.png")));
        // Gate utilisation of the best mixture-of-experts trial (the best trial itself when it is one).
        var experts = board.Best.Model is { Network.HasGates: true } ? board.Best
            : trials.Where(t => t.Model?.Network.HasGates == true).OrderBy(t => metric.HigherIsBetter ? -t.Score : t.Score).FirstOrDefault();
        if (experts is not null)
            images.Add(Gates(ml.MultiTask().GateUtilisation(data.Test, experts.Model!), $"trial #{experts.Number}, {experts.Settings.Architecture}", folder.File("gates.png")));

        var text = new StringBuilder();
        text.AppendLine($"# Experiment on {Path.GetFileName(settings.Dataset)}");
        text.AppendLine();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"{trials.Count} trials in {settings.TrainTime.TotalSeconds:F0} s ({trials.Count(t => t.Status == TrialStatus.Completed)} completed), metric {metric.Name} on the validation rows, seed {settings.Seed}. Tasks: {string.Join(", ", data.Tasks.Select(t => $"{t.Name} ({t.Kind.ToString().ToLowerInvariant()})"))}{(data.Chain ? " (a chain)" : "")}."));
        text.AppendLine();
        text.AppendLine($"Best trial: #{board.Best.Number} {board.Best.Settings}, {board.Best.Epochs} epochs (kept epoch {best.BestEpoch}).");
        text.AppendLine();
        text.AppendLine("## Leaderboard (test rows)");
        text.AppendLine();
        text.AppendLine("| rank | model | validation " + metric.Name + " | " + string.Join(" | ", data.Tasks.Select(t => $"{t.Name} {t.Kind.HeadlineMetric}")) + " |");
        text.AppendLine("|---|---|---|" + string.Concat(data.Tasks.Select(_ => "---|")));
        foreach (var row in board.Rows)
            text.AppendLine($"| {(row.Rank > 0 ? row.Rank.ToString(CultureInfo.InvariantCulture) : "")} | {row.Model} | {F(row.ValidationScore)} | "
                + string.Join(" | ", data.Tasks.Select(t => row.Test.TryGetValue(t.Name, out double v) ? F(v) : "-")) + " |");
        text.AppendLine("| | **Δ best multi-task − best single-task** | | " + string.Join(" | ", data.Tasks.Select(board.DeltaText)) + " |");
        text.AppendLine();
        if (groupAucs.Count > 0)
        {
            text.AppendLine($"GAUC by {settings.GroupColumn} (best model, test rows): " +
                string.Join(", ", groupAucs.Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {g.Value.Value:F4} over {g.Value.GroupsUsed:N0} groups"))));
            text.AppendLine();
        }
        text.AppendLine("## Best model, every metric (test rows)");
        text.AppendLine();
        text.AppendLine("```");
        text.Append(board.BestTest.ToTable());
        text.AppendLine("```");
        text.AppendLine();
        text.AppendLine("## Curves");
        text.AppendLine();
        foreach (string image in images)
            text.AppendLine($"![{Path.GetFileNameWithoutExtension(image)}]({image})");
        text.AppendLine();
        text.AppendLine("Every trial, with its settings and validation metrics, is in `trials.csv`.");
        File.WriteAllText(folder.File("report.md"), text.ToString());
        return images;
    }

    private static string? Roc(IDataView scored, TaskColumn task, string path)
    {
        var scores = scored.GetColumn<float>(OutputColumnNames.Score(task.Name)).ToArray();
        var labels = Labels(scored, task.LabelColumnName);
        var keep = Enumerable.Range(0, scores.Length).Where(i => !float.IsNaN(labels[i]) && labels[i] != task.MissingLabelValue).ToArray();
        var kept = keep.Select(i => labels[i]).ToArray();
        if (kept.Distinct().Count() < 2)
            return null; // one class only among the test rows: no curve
        var (fpr, tpr) = RankingMetrics.RocCurve(keep.Select(i => scores[i]).ToArray(), kept);
        var plot = new Plot();
        var curve = plot.Add.Scatter(fpr, tpr);
        curve.MarkerSize = 0;
        curve.LineWidth = 2;
        curve.LegendText = string.Create(CultureInfo.InvariantCulture, $"{task.Name} (AUC {RankingMetrics.Auc(keep.Select(i => scores[i]).ToArray(), kept):F4})");
        var chance = plot.Add.Line(0, 0, 1, 1);
        chance.LinePattern = LinePattern.Dashed;
        chance.LegendText = "chance";
        plot.Title($"ROC curve, {task.Name} (test rows)");
        plot.XLabel("false-positive rate");
        plot.YLabel("true-positive rate");
        plot.ShowLegend(Alignment.LowerRight);
        return Save(plot, path);
    }

    private static string Loss(MultiTaskTransformer model, TaskColumn task, int index, string path)
    {
        var history = model.TrainingHistory;
        double[] epochs = history.Select(e => (double)e.Epoch).ToArray();
        var plot = new Plot();
        plot.Add.Scatter(epochs, history.Select(e => e.TrainingLoss[index]).ToArray()).LegendText = "training";
        if (history.All(e => e.ValidationLoss.Count > index))
            plot.Add.Scatter(epochs, history.Select(e => e.ValidationLoss[index]).ToArray()).LegendText = "validation";
        var kept = plot.Add.VerticalLine(model.BestEpoch);
        kept.LinePattern = LinePattern.Dotted;
        kept.LegendText = $"kept epoch {model.BestEpoch}";
        IntegerEpochs(plot);
        plot.Title($"Loss per epoch, {task.Name}");
        plot.XLabel("epoch");
        plot.YLabel(task.Kind.LossName);
        plot.ShowLegend();
        return Save(plot, path);
    }

    private static string TaskWeights(MultiTaskTransformer model, IReadOnlyList<TaskColumn> tasks, string weighting, string path)
    {
        var history = model.TrainingHistory;
        double[] epochs = history.Select(e => (double)e.Epoch).ToArray();
        var plot = new Plot();
        for (int t = 0; t < tasks.Count; t++)
            plot.Add.Scatter(epochs, history.Select(e => e.TaskWeights[t]).ToArray()).LegendText = tasks[t].Name;
        IntegerEpochs(plot);
        plot.Title($"Task weights per epoch ({weighting} weighting; mean over the epoch's mini-batches)");
        plot.XLabel("epoch");
        plot.YLabel("loss multiplier");
        plot.ShowLegend();
        return Save(plot, path);
    }

    private static string Gates(GateUtilisation gates, string model, string path)
    {
        var plot = new Plot();
        var bars = new List<Bar>();
        int groups = gates.Experts.Count, series = gates.Tasks.Count;
        for (int t = 0; t < series; t++)
            for (int e = 0; e < groups; e++)
                bars.Add(new Bar { Position = e * (series + 1) + t, Value = gates.MeanWeights[t][e], FillColor = plot.Add.Palette.GetColor(t) });
        plot.Add.Bars(bars);
        for (int t = 0; t < series; t++)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = gates.Tasks[t], FillColor = plot.Add.Palette.GetColor(t) });
        // Expert names without the level prefix ("level1.income.expert0" → "income.expert0"), slanted so they do not overlap.
        var names = gates.Experts.Select(e => e.StartsWith("level", StringComparison.Ordinal) && e.Contains('.') ? e[(e.IndexOf('.') + 1)..] : e).ToArray();
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, groups).Select(e => e * (series + 1) + (series - 1) / 2.0).ToArray(), names);
        plot.Axes.Bottom.TickLabelStyle.Rotation = -25;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
        plot.Title($"Mean gate weight of each expert, per task ({model}, test rows)");
        plot.YLabel("mean gate weight");
        plot.ShowLegend(Alignment.UpperLeft);
        return Save(plot, path);
    }

    private static void IntegerEpochs(Plot plot) =>
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };

    private static string Save(Plot plot, string path)
    {
        plot.SavePng(path, Width, Height);
        return Path.GetFileName(path);
    }

    /// <summary>A label column as floats (Boolean as 0/1, missing as NaN).</summary>
    private static float[] Labels(IDataView data, string column)
    {
        var type = data.Schema[column].Type;
        if (type == BooleanDataViewType.Instance)
            return data.GetColumn<bool>(column).Select(b => b ? 1f : 0f).ToArray();
        if (type == NumberDataViewType.Double)
            return data.GetColumn<double>(column).Select(d => (float)d).ToArray();
        return data.GetColumn<float>(column).ToArray();
    }

    internal static string FileName(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) ? c : '_'));

    private static string F(double value) => double.IsNaN(value) ? "-" : value.ToString("F4", CultureInfo.InvariantCulture);
}
