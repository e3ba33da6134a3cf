using System.Globalization;
using Microsoft.ML;
using MlNetMtl.Data;
using MlNetMtl.Experiments;
using MlNetMtl.MLNet;
using MlNetMtl.MLNet.Evaluation;

namespace MlNetMtl.Cli.Experiment;

/// <summary>One row of the leaderboard: a multi-task trial or a single-task baseline, with each task's test metric.</summary>
/// <param name="Rank">1 for the best trial (by validation score); 0 for baselines.</param>
/// <param name="Model">What it is.</param>
/// <param name="ValidationScore">The experiment metric on the validation rows (NaN for baselines).</param>
/// <param name="Test">By task name: AUC (binary), RMSE (regression), micro accuracy (multiclass); absent where the model has no such task.</param>
internal sealed record LeaderboardRow(int Rank, string Model, double ValidationScore, IReadOnlyDictionary<string, double> Test);

/// <summary>
/// The experiment's result table: the best trials (by validation score) measured on the test rows, the single-task
/// LightGBM and FastTree baselines on the same rows, and per task the Δ of the best multi-task model over the best
/// single-task one.
/// </summary>
internal sealed class Leaderboard
{
    public const int TrialsShown = 5;

    private Leaderboard(IReadOnlyList<TaskColumn> tasks, IReadOnlyList<LeaderboardRow> rows, TrialResult best, MultiTaskMetrics bestTest,
        IReadOnlyList<(string Task, string Model, IReadOnlyList<DomainScore> Scores)> byDomain, DomainAlternatives.Result? alternatives)
    {
        Alternatives = alternatives;
        Tasks = tasks;
        Rows = rows;
        Best = best;
        BestTest = bestTest;
        ByDomain = byDomain;
    }

    public IReadOnlyList<TaskColumn> Tasks { get; }
    public IReadOnlyList<LeaderboardRow> Rows { get; }
    /// <summary>The best trial.</summary>
    public TrialResult Best { get; }
    /// <summary>The best trial's metrics on the test rows.</summary>
    public MultiTaskMetrics BestTest { get; }
    /// <summary>With a domain column: per (task, model) — the best trial, then the baselines — each domain's score on the test rows; else empty.</summary>
    public IReadOnlyList<(string Task, string Model, IReadOnlyList<DomainScore> Scores)> ByDomain { get; }
    /// <summary>With a domain column: the best trial's settings ignoring the domain and trained per domain (which domains had models of their own); else null.</summary>
    public DomainAlternatives.Result? Alternatives { get; }

    /// <summary>
    /// Measures the top trials and (optionally) the baselines on the test rows; with <paramref name="domains"/>, per domain the best
    /// trial, its settings ignoring the domain and trained per domain (<see cref="DomainAlternatives"/>), and the baselines.
    /// <paramref name="domains"/> gives the domain column, the options the trials were made from, and where to report the alternatives' training.
    /// </summary>
    public static Leaderboard Build(MLContext ml, ExperimentData data, IReadOnlyList<TrialResult> trials, ExperimentMetric metric, bool baselines,
        IProgress<SingleTaskBaselines.Result>? baselineProgress, (string Column, MultiTaskNetworkTrainerOptions Template, IProgress<string>? Progress)? domains = null,
        CancellationToken cancellationToken = default)
    {
        string? domainColumn = domains?.Column;
        var ranked = trials.Where(t => t.Status == TrialStatus.Completed)
            .OrderBy(t => metric.HigherIsBetter ? -t.Score : t.Score).ThenBy(t => t.Number).Take(TrialsShown).ToArray();
        var rows = new List<LeaderboardRow>();
        MultiTaskMetrics? bestTest = null;
        for (int i = 0; i < ranked.Length; i++)
        {
            var test = ml.MultiTask().Evaluate(ranked[i].Model!.Transform(data.Test), ranked[i].Model!);
            bestTest ??= test;
            rows.Add(new LeaderboardRow(i + 1, $"#{ranked[i].Number} {ranked[i].Settings}", ranked[i].Score, test.ToDictionary(m => m.Task, m => m.Headline)));
        }
        var byDomain = new List<(string Task, string Model, IReadOnlyList<DomainScore> Scores)>();
        DomainAlternatives.Result? separate = null;
        if (domainColumn is not null)
        {
            var best = ml.MultiTask().EvaluateByDomain(ranked[0].Model!.Transform(data.Test), data.Tasks, domainColumn);
            byDomain.AddRange(data.Tasks.Select(t => (t.Name, $"#{ranked[0].Number} {ranked[0].Settings.Architecture}", best.Scores(t.Name))));
            var options = ranked[0].Settings.ApplyTo(domains!.Value.Template.Clone());
            var alternatives = DomainAlternatives.Run(ml, options, data.Train, data.Validation, data.Test, domainColumn, domains.Value.Progress, cancellationToken);
            string architecture = DomainAlternatives.Blind(options).Network.Name;
            byDomain.AddRange(data.Tasks.SelectMany(t => alternatives.OwnModels.Count == 0 ? [(t.Name, $"#{ranked[0].Number}'s settings, {architecture} ignoring {domainColumn}", alternatives.Blind[t.Name])] : new[]
            {
                (t.Name, $"#{ranked[0].Number}'s settings, {architecture} ignoring {domainColumn}", alternatives.Blind[t.Name]),
                (t.Name, $"#{ranked[0].Number}'s settings, {architecture} per {domainColumn}", alternatives.Separate[t.Name]),
            }));
            separate = alternatives;
        }
        if (baselines)
        {
            var eligible = data.Tasks.Where(t => t.Kind.Evaluation != EvaluationFamily.Multiclass).ToArray();
            var results = SingleTaskBaselines.Run(ml, data.Train, data.Test, eligible, Datasets.LoadedDataset.FeatureColumnName, baselineProgress, domainColumnName: domainColumn);
            foreach (string trainer in SingleTaskBaselines.Trainers)
            {
                rows.Add(new LeaderboardRow(0, $"{trainer} (single-task)", double.NaN,
                    results.Where(r => r.Trainer == trainer && r.NotRun is null).ToDictionary(r => r.Task, r => r.Metric)));
                byDomain.AddRange(results.Where(r => r.Trainer == trainer && r.NotRun is null && r.ByDomain.Count > 0).Select(r => (r.Task, $"{trainer} (single-task)", r.ByDomain)));
            }
        }
        var taskOrder = data.Tasks.Select(t => t.Name).ToList();
        return new Leaderboard(data.Tasks, rows, ranked[0], bestTest!, byDomain.OrderBy(r => taskOrder.IndexOf(r.Task)).ToArray(), separate);
    }

    /// <summary>
    /// Per task: the best multi-task model's test metric minus the best single-task baseline's (for RMSE, lower is
    /// better, so a negative Δ favours the multi-task model); null without baselines for the task.
    /// </summary>
    public double? Delta(TaskColumn task)
    {
        var singles = Rows.Where(r => r.Rank == 0 && r.Test.ContainsKey(task.Name)).Select(r => r.Test[task.Name]).ToArray();
        if (singles.Length == 0)
            return null;
        double bestSingle = task.Kind.HeadlineLowerIsBetter ? singles.Min() : singles.Max();
        return BestTest[task.Name].Headline - bestSingle;
    }

    /// <summary>Δ as text, with which side it favours.</summary>
    public string DeltaText(TaskColumn task) => Delta(task) is not { } delta ? "-"
        : string.Create(CultureInfo.InvariantCulture, $"{delta:+0.0000;-0.0000;0.0000} {task.Kind.HeadlineMetric} ({(task.Kind.HeadlineLowerIsBetter ? delta < 0 : delta > 0) switch { true => "multi-task better", false when delta == 0 => "tie", _ => "single-task better" }})");
}
