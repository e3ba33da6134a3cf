using Microsoft.ML;
using MlNetMtl.MLNet;
using MlNetMtl.MLNet.Evaluation;

namespace MlNetMtl.Experiments;

/// <summary>
/// The multi-task alternatives a scenario-aware model is judged against, domain by domain (single-task trees with the
/// domain as a feature are the third, <see cref="SingleTaskBaselines"/>):
/// (a) one model that ignores the domain — the same settings with the domain column only a feature among the others
/// (a scenario-aware architecture becomes a shared bottom of its sizes); (b) separate models per domain — those
/// settings trained on each domain's rows alone, as a team without multi-domain learning would; a domain with fewer
/// than <see cref="MinimumRows"/> training rows gets no model of its own and is scored by (a), as such a team would.
/// </summary>
public static class DomainAlternatives
{
    /// <summary>The fewest training rows a domain needs for a model of its own in (b): 1,000.</summary>
    public const int MinimumRows = 1_000;

    /// <summary>Both alternatives' scores on each domain's test rows.</summary>
    /// <param name="Blind">Per task, (a)'s score on each domain (largest first).</param>
    /// <param name="Separate">Per task, (b)'s score on each domain (largest first).</param>
    /// <param name="OwnModels">The domains (b) trained a model for, largest first.</param>
    /// <param name="ScoredByBlind">The test domains with fewer than <see cref="MinimumRows"/> training rows, which (b) scores with (a).</param>
    public sealed record Result(IReadOnlyDictionary<string, IReadOnlyList<DomainScore>> Blind, IReadOnlyDictionary<string, IReadOnlyList<DomainScore>> Separate,
        IReadOnlyList<string> OwnModels, IReadOnlyList<string> ScoredByBlind);

    /// <summary>The options of (a): <paramref name="options"/> without the domain column, its architecture's domain-blind counterpart.</summary>
    public static MultiTaskNetworkTrainerOptions Blind(MultiTaskNetworkTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var blind = options.Clone();
        blind.DomainColumn = null;
        blind.Network = options.Network.DomainBlindCounterpart;
        return blind;
    }

    /// <summary>Trains (a) on every row and (b) on each large enough domain's rows, and scores both on each domain's test rows.</summary>
    /// <param name="ml">The context.</param>
    /// <param name="options">The settings both alternatives train with (their domain column is ignored).</param>
    /// <param name="train">Featurized training rows holding <paramref name="domainColumnName"/>.</param>
    /// <param name="validation">Featurized rows for early stopping (split by domain for (b)); null: each training set holds out its own.</param>
    /// <param name="test">Featurized test rows holding <paramref name="domainColumnName"/>.</param>
    /// <param name="domainColumnName">The domain column.</param>
    /// <param name="progress">Receives a line as each model starts training.</param>
    /// <param name="cancellationToken">Stops training between epochs.</param>
    public static Result Run(MLContext ml, MultiTaskNetworkTrainerOptions options, IDataView train, IDataView? validation, IDataView test, string domainColumnName,
        IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(options);
        var blindOptions = Blind(options);
        var tasks = options.Tasks.ToArray();
        string architecture = blindOptions.Network.Name;
        var trainDomains = DomainRows.Split(train, domainColumnName);
        var validationDomains = validation is null ? [] : DomainRows.Split(validation, domainColumnName).ToDictionary(d => d.Domain, StringComparer.Ordinal);

        progress?.Report($"{architecture} ignoring {domainColumnName}, on all {trainDomains.Sum(d => d.Rows):N0} training rows");
        var blind = ml.MultiTask().Network(blindOptions).Fit(train, validation, cancellationToken);
        var own = new Dictionary<string, MultiTaskTransformer>(StringComparer.Ordinal);
        foreach (var domain in trainDomains.Where(d => d.Rows >= MinimumRows))
        {
            progress?.Report($"{architecture} on {domainColumnName} {domain.Domain} alone ({domain.Rows:N0} training rows)");
            var domainValidation = validationDomains.TryGetValue(domain.Domain, out var rows) ? rows.Of(validation!) : null;
            own[domain.Domain] = ml.MultiTask().Network(blindOptions).Fit(domain.Of(train), domainValidation, cancellationToken);
        }

        var blindScores = ml.MultiTask().EvaluateByDomain(blind.Transform(test), tasks, domainColumnName);
        var separate = tasks.ToDictionary(t => t.Name, _ => new List<DomainScore>());
        var scoredByBlind = new List<string>();
        foreach (var domain in DomainRows.Split(test, domainColumnName))
        {
            if (!own.TryGetValue(domain.Domain, out var model))
            {
                scoredByBlind.Add(domain.Domain);
                foreach (var task in tasks)
                    separate[task.Name].Add(blindScores.Scores(task.Name).Single(s => s.Domain == domain.Domain));
                continue;
            }
            var scores = ml.MultiTask().EvaluateByDomain(model.Transform(domain.Of(test)), tasks, domainColumnName);
            foreach (var task in tasks)
                separate[task.Name].Add(scores.Scores(task.Name).Single());
        }
        return new Result(tasks.ToDictionary(t => t.Name, t => blindScores.Scores(t.Name)), separate.ToDictionary(p => p.Key, p => (IReadOnlyList<DomainScore>)p.Value),
            trainDomains.Where(d => own.ContainsKey(d.Domain)).Select(d => d.Domain).ToArray(), scoredByBlind);
    }
}
