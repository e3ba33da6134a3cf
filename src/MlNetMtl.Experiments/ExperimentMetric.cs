using MlNetMtl.Data;
using MlNetMtl.MLNet;
using MlNetMtl.MLNet.Evaluation;

namespace MlNetMtl.Experiments;

/// <summary>
/// The number an experiment maximises or minimises, from a model's per-task metrics. The default, <c>mean-score</c>, covers
/// every task on one scale where higher is better and 1 is perfect: AUC for a binary task, macro one-vs-rest AUC for a
/// multiclass task, R² for a regression task, averaged. (AUC and R² both measure how much better than a constant guess the
/// model ranks or fits; neither depends on the label's units, so tasks of different kinds weigh alike.) Also
/// <c>mean-auc</c> (the binary tasks), <c>mean-rmse</c> (the regression tasks), and one task's <c>auc:task</c>,
/// <c>rmse:task</c>, <c>r2:task</c> or <c>accuracy:task</c>.
/// </summary>
public sealed class ExperimentMetric
{
    private const string Forms = "mean-score, mean-auc, mean-rmse, auc:<task>, rmse:<task>, r2:<task> or accuracy:<task>";
    private readonly string? _task;
    private readonly Kind _kind;

    private enum Kind { Score, Auc, Rmse, RSquared, Accuracy }

    private ExperimentMetric(string name, string? task, Kind kind)
    {
        Name = name;
        _task = task;
        _kind = kind;
    }

    /// <summary>The metric as written, e.g. <c>mean-score</c>.</summary>
    public string Name { get; }

    /// <summary>What the metric is, in words, for a leaderboard's legend.</summary>
    public string Description => (_kind, _task) switch
    {
        (Kind.Score, _) => "mean over tasks of AUC (binary), macro AUC (multiclass) and R² (regression); higher is better",
        (Kind.Auc, null) => "mean AUC of the binary tasks; higher is better",
        (Kind.Rmse, null) => "mean RMSE of the regression tasks; lower is better",
        (Kind.Rmse, _) => $"RMSE of task {_task}; lower is better",
        _ => $"{(_kind switch { Kind.Auc => "AUC", Kind.RSquared => "R²", _ => "accuracy" })} of task {_task}; higher is better",
    };

    /// <summary>True unless the metric is an RMSE.</summary>
    public bool HigherIsBetter => _kind != Kind.Rmse;

    /// <summary>Parses a metric for <paramref name="tasks"/>; null or empty takes mean-score.</summary>
    /// <exception cref="ArgumentException">Unknown metric, unknown task, or a metric that does not fit the task's kind (the valid forms are listed).</exception>
    public static ExperimentMetric Parse(string? text, IReadOnlyList<TaskColumn> tasks)
    {
        text = string.IsNullOrWhiteSpace(text) ? "mean-score" : text.Trim().ToLowerInvariant();
        switch (text)
        {
            case "mean-score":
                return new(text, null, Kind.Score);
            case "mean-auc":
                return tasks.Any(t => t.Kind.Evaluation == EvaluationFamily.Binary) ? new(text, null, Kind.Auc) : throw new ArgumentException($"--metric mean-auc needs a binary task; these tasks are {Kinds(tasks)}.");
            case "mean-rmse":
                return tasks.Any(t => t.Kind.Evaluation == EvaluationFamily.Regression) ? new(text, null, Kind.Rmse) : throw new ArgumentException($"--metric mean-rmse needs a regression task; these tasks are {Kinds(tasks)}.");
        }
        var parts = text.Split(':', 2);
        var kind = parts.Length != 2 ? (Kind?)null : parts[0] switch { "auc" => Kind.Auc, "rmse" => Kind.Rmse, "r2" => Kind.RSquared, "accuracy" => Kind.Accuracy, _ => null };
        if (kind is null)
            throw new ArgumentException($"--metric '{text}' is not one of {Forms}.");
        var task = tasks.FirstOrDefault(t => t.Name.Equals(parts[1], StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"--metric '{text}': no task named '{parts[1]}' ({string.Join(", ", tasks.Select(t => t.Name))}).");
        var fits = kind switch
        {
            Kind.Auc or Kind.Accuracy => task.Kind.Evaluation != EvaluationFamily.Regression,
            _ => task.Kind.Evaluation == EvaluationFamily.Regression,
        };
        if (!fits)
            throw new ArgumentException($"--metric '{text}': task '{task.Name}' is {task.Kind.ToString().ToLowerInvariant()}; use {(task.Kind.Evaluation == EvaluationFamily.Regression ? $"rmse:{task.Name} or r2:{task.Name}" : $"auc:{task.Name}")}.");
        return new($"{parts[0]}:{task.Name}", task.Name, kind.Value);
    }

    /// <summary>The metric's value for a model's metrics.</summary>
    public double Of(MultiTaskMetrics metrics)
    {
        if (_task is not null)
            return Value(metrics[_task], _kind);
        var chosen = _kind switch
        {
            Kind.Auc => metrics.Where(m => m.Kind.Evaluation == EvaluationFamily.Binary),
            Kind.Rmse => metrics.Where(m => m.Kind.Evaluation == EvaluationFamily.Regression),
            _ => metrics,
        };
        return chosen.Average(m => _kind == Kind.Score ? m.Score : Value(m, _kind));
    }

    private static double Value(TaskMetrics m, Kind kind) => kind switch
    {
        Kind.Auc => m.Binary?.AreaUnderRocCurve ?? m.MacroAuc ?? double.NaN,
        Kind.Rmse => m.Regression!.RootMeanSquaredError,
        Kind.RSquared => m.Regression!.RSquared,
        _ => m.Binary?.Accuracy ?? m.Multiclass!.MicroAccuracy,
    };

    /// <summary>Whether <paramref name="candidate"/> beats <paramref name="best"/>.</summary>
    public bool Better(double candidate, double best) => HigherIsBetter ? candidate > best : candidate < best;

    private static string Kinds(IEnumerable<TaskColumn> tasks) => string.Join(", ", tasks.Select(t => $"{t.Name} ({t.Kind.ToString().ToLowerInvariant()})"));
}
