using System.Globalization;
using System.Text;
using MlNetMtl.Experiments;
using MlNetMtl.MLNet;

namespace MlNetMtl.Cli.Experiment;

/// <summary>Writes every trial of an experiment as one CSV row: settings, status, score, time and each task's validation metric.</summary>
internal static class TrialLog
{
    public static void Write(string path, IReadOnlyList<TrialResult> trials, IReadOnlyList<TaskColumn> tasks, ExperimentMetric metric)
    {
        var text = new StringBuilder();
        text.AppendLine(string.Join(',', new[] { "trial", "architecture", "weighting", "settings", "status", metric.Name, "epochs", "seconds" }
            .Concat(tasks.Select(t => $"{t.Name} {t.Kind.HeadlineMetric}")).Append("error")));
        foreach (var trial in trials)
        {
            var cells = new List<string>
            {
                trial.Number.ToString(CultureInfo.InvariantCulture), trial.Settings.Architecture.ToString(), trial.Settings.Weighting, Quote(trial.Settings.ToString()),
                trial.Status.ToString(), Number(trial.Score), trial.Epochs.ToString(CultureInfo.InvariantCulture), trial.Elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture),
            };
            cells.AddRange(tasks.Select(t => trial.Validation is { } v ? Number(v[t.Name].Headline) : ""));
            cells.Add(Quote(trial.Error ?? ""));
            text.AppendLine(string.Join(',', cells));
        }
        File.WriteAllText(path, text.ToString());
    }

    private static string Number(double value) => double.IsNaN(value) ? "" : value.ToString("R", CultureInfo.InvariantCulture);

    private static string Quote(string value) => value.Length == 0 ? "" : "\"" + value.Replace("\"", "\"\"") + "\"";
}
