namespace MlNetMtl.MLNet.Evaluation;

/// <summary>One task's score on one domain's rows alone.</summary>
/// <param name="Domain">The domain's value in the domain column.</param>
/// <param name="Rows">The domain's rows.</param>
/// <param name="Score">AUC (binary), macro AUC (multiclass) or R² (regression); NaN where the domain's rows could not be scored (one class only).</param>
public sealed record DomainScore(string Domain, long Rows, double Score)
{
    /// <summary>Σ n_d·score_d / Σ n_d over the domains scored; NaN when none was.</summary>
    public static double WeightedMean(IEnumerable<DomainScore> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        double sum = 0;
        long rows = 0;
        foreach (var domain in scores.Where(d => !double.IsNaN(d.Score)))
        {
            sum += domain.Score * domain.Rows;
            rows += domain.Rows;
        }
        return rows == 0 ? double.NaN : sum / rows;
    }
}
