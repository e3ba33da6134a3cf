using Microsoft.ML;
using MlNetMtl.Data;

namespace MlNetMtl.MLNet.Evaluation;

/// <summary>Evaluates a scored view per value of a domain column (an app tab, a country), each domain's rows on their own.</summary>
internal static class DomainEvaluator
{
    /// <exception cref="ArgumentOutOfRangeException">The domain column is missing or of a type that cannot name a domain.</exception>
    /// <exception cref="InvalidDataException">A row's domain is empty (the row is named).</exception>
    public static DomainEvaluation Evaluate(MLContext context, IDataView scored, IReadOnlyList<TaskColumn> tasks, string domainColumnName, string? groupColumnName)
    {
        ArgumentNullException.ThrowIfNull(scored);
        var column = scored.Schema.GetColumnOrNull(domainColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(domainColumnName), $"Domain column '{domainColumnName}' is not in the scored data (its columns: {string.Join(", ", scored.Schema.Where(c => !c.IsHidden).Select(c => c.Name))}).");
        var domainOfRow = new List<string>();
        using (var cursor = scored.GetRowCursor([column]))
        {
            var key = GroupAucEvaluator.GroupKey(cursor, column);
            while (cursor.MoveNext())
            {
                string domain = Convert.ToString(key(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
                if (domain.Length == 0 || domain == "NaN")
                    throw new InvalidDataException($"Domain column '{domainColumnName}', row {domainOfRow.Count + 1}: the domain is empty; give every row a domain.");
                domainOfRow.Add(domain);
            }
        }
        var overall = MultiTaskEvaluator.Evaluate(context, scored, tasks);
        var domains = domainOfRow.Distinct(StringComparer.Ordinal).Select((name, index) => (Name: name, Index: index)).ToDictionary(d => d.Name, d => d.Index, StringComparer.Ordinal);
        var rowDomain = domainOfRow.Select(d => domains[d]).ToArray();
        var rows = new long[domains.Count];
        foreach (int d in rowDomain)
            rows[d]++;
        var evaluated = domains.OrderByDescending(d => rows[d.Value]).ThenBy(d => d.Key, StringComparer.Ordinal)
            .Select(d => EvaluateDomain(context, scored, tasks, d.Key, rows[d.Value], Array.ConvertAll(rowDomain, r => r == d.Value), groupColumnName)).ToArray();
        return new DomainEvaluation(domainColumnName, evaluated, overall);
    }

    private static DomainMetrics EvaluateDomain(MLContext context, IDataView scored, IReadOnlyList<TaskColumn> tasks, string domain, long domainRows, bool[] keep, string? groupColumnName)
    {
        var rows = new RowSubsetView(scored, keep);
        var evaluated = new List<TaskMetrics>();
        var notEvaluated = new Dictionary<string, string>();
        var groupAuc = new Dictionary<string, GroupAucResult>();
        foreach (var task in tasks)
        {
            try
            {
                evaluated.Add(MultiTaskEvaluator.Evaluate(context, rows, [task])[0]);
            }
            catch (ArgumentException error) when (error is not ArgumentOutOfRangeException)
            {
                notEvaluated[task.Name] = error.Message; // a small domain may hold one class of a task only
                continue;
            }
            if (groupColumnName is not null && task.Kind.Evaluation == EvaluationFamily.Binary)
                groupAuc[task.Name] = GroupAucEvaluator.Evaluate(rows, task, groupColumnName);
        }
        return new DomainMetrics(domain, domainRows, new MultiTaskMetrics(evaluated), notEvaluated, groupAuc);
    }
}
