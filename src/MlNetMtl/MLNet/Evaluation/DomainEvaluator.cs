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
        var domains = DomainRows.Split(scored, domainColumnName);
        var overall = MultiTaskEvaluator.Evaluate(context, scored, tasks);
        var evaluated = domains.Select(d => EvaluateDomain(context, d.Of(scored), tasks, d.Domain, d.Rows, groupColumnName)).ToArray();
        return new DomainEvaluation(domainColumnName, evaluated, overall);
    }

    private static DomainMetrics EvaluateDomain(MLContext context, IDataView rows, IReadOnlyList<TaskColumn> tasks, string domain, long domainRows, string? groupColumnName)
    {
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
