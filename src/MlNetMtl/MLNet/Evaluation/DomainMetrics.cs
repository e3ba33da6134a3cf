namespace MlNetMtl.MLNet.Evaluation;

/// <summary>One domain's rows evaluated on their own.</summary>
/// <param name="Domain">The domain's value in the domain column.</param>
/// <param name="Rows">Its rows.</param>
/// <param name="Metrics">Each task that could be evaluated on these rows.</param>
/// <param name="NotEvaluated">Each task that could not (its rows hold no label, or one class only), with why.</param>
/// <param name="GroupAuc">Each binary task's GAUC over the domain's groups, when a group column was given.</param>
public sealed record DomainMetrics(string Domain, long Rows, MultiTaskMetrics Metrics, IReadOnlyDictionary<string, string> NotEvaluated,
    IReadOnlyDictionary<string, GroupAucResult> GroupAuc);

/// <summary>
/// Every metric per (domain, task) — each domain's rows evaluated exactly as if they were the only rows — with the
/// metrics over all rows and, per task, the row-weighted mean of its domains' scores.
/// </summary>
/// <param name="DomainColumn">The column the domains come from.</param>
/// <param name="Domains">Each domain, largest first (then by value).</param>
/// <param name="Overall">All rows together.</param>
public sealed record DomainEvaluation(string DomainColumn, IReadOnlyList<DomainMetrics> Domains, MultiTaskMetrics Overall)
{
    /// <summary>Each domain's score (<see cref="TaskMetrics.Score"/>: AUC, macro AUC or R²) on <paramref name="task"/>, largest domain first; NaN where it was not evaluated.</summary>
    public IReadOnlyList<DomainScore> Scores(string task) =>
        Domains.Select(d => new DomainScore(d.Domain, d.Rows, d.Metrics.FirstOrDefault(m => m.Task == task)?.Score ?? double.NaN)).ToArray();

    /// <summary>
    /// The row-weighted mean over the domains where <paramref name="task"/> was evaluated of its score (<see cref="Scores"/>):
    /// Σ n_d·score_d / Σ n_d; NaN when no domain could be evaluated.
    /// </summary>
    public double WeightedMean(string task) => DomainScore.WeightedMean(Scores(task));
}
