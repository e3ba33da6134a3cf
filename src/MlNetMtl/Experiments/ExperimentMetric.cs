using MlNetMtl.Data;
using MlNetMtl.Evaluation;

namespace MlNetMtl.Experiments;

/// <summary>
/// The number an experiment optimises, from a model's per-task metrics: <c>mean-auc</c> (the default: mean AUC of the
/// binary tasks), <c>mean-rmse</c> (mean RMSE of the regression tasks), or one task's <c>auc:task</c> / <c>rmse:task</c>.
/// </summary>
public sealed class ExperimentMetric
{
    private readonly string? _task;
    private readonly bool _auc;

    private ExperimentMetric(string name, string? task, bool auc)
    {
        Name = name;
        _task = task;
        _auc = auc;
    }

    /// <summary>The metric as written, e.g. <c>mean-auc</c>.</summary>
    public string Name { get; }

    /// <summary>True for AUC (higher is better), false for RMSE.</summary>
    public bool HigherIsBetter => _auc;

    /// <summary>Parses a metric for <paramref name="tasks"/>; null or empty takes mean-auc, or mean-rmse when no task is binary.</summary>
    /// <exception cref="ArgumentException">Unknown metric, unknown task, or a metric that does not fit the task's kind (the valid forms are listed).</exception>
    public static ExperimentMetric Parse(string? text, IReadOnlyList<TaskColumn> tasks)
    {
        bool anyBinary = tasks.Any(t => t.Kind == TaskKind.Binary), anyRegression = tasks.Any(t => t.Kind == TaskKind.Regression);
        text = string.IsNullOrWhiteSpace(text) ? anyBinary ? "mean-auc" : "mean-rmse" : text.Trim().ToLowerInvariant();
        const string forms = "mean-auc, mean-rmse, auc:<task> or rmse:<task>";
        switch (text)
        {
            case "mean-auc":
                return anyBinary ? new(text, null, true) : throw new ArgumentException($"--metric mean-auc needs a binary task; these tasks are {Kinds(tasks)}.");
            case "mean-rmse":
                return anyRegression ? new(text, null, false) : throw new ArgumentException($"--metric mean-rmse needs a regression task; these tasks are {Kinds(tasks)}.");
        }
        var parts = text.Split(':', 2);
        if (parts.Length != 2 || parts[0] is not ("auc" or "rmse"))
            throw new ArgumentException($"--metric '{text}' is not one of {forms}.");
        var task = tasks.FirstOrDefault(t => t.Name.Equals(parts[1], StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"--metric '{text}': no task named '{parts[1]}' ({string.Join(", ", tasks.Select(t => t.Name))}).");
        var wanted = parts[0] == "auc" ? TaskKind.Binary : TaskKind.Regression;
        if (task.Kind != wanted)
            throw new ArgumentException($"--metric '{text}': task '{task.Name}' is {task.Kind.ToString().ToLowerInvariant()}; use {(task.Kind == TaskKind.Binary ? "auc" : "rmse")}:{task.Name}.");
        return new($"{parts[0]}:{task.Name}", task.Name, parts[0] == "auc");
    }

    /// <summary>The metric's value for a model's metrics.</summary>
    public double Of(MultiTaskMetrics metrics)
    {
        var chosen = metrics.Where(m => _task is null ? m.Kind == (_auc ? TaskKind.Binary : TaskKind.Regression) : m.Task == _task);
        return chosen.Average(m => _auc ? m.Binary!.AreaUnderRocCurve : m.Regression!.RootMeanSquaredError);
    }

    /// <summary>Whether <paramref name="candidate"/> beats <paramref name="best"/>.</summary>
    public bool Better(double candidate, double best) => HigherIsBetter ? candidate > best : candidate < best;

    private static string Kinds(IEnumerable<TaskColumn> tasks) => string.Join(", ", tasks.Select(t => $"{t.Name} ({t.Kind.ToString().ToLowerInvariant()})"));
}
