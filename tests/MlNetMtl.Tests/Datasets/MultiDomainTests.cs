using Microsoft.ML;
using MlNetMtl.Data.Synthetic;
using MlNetMtl.MLNet;
using MlNetMtl.MLNet.Evaluation;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Architectures;
using RankingMetrics = MlNetMtl.Evaluation.RankingMetrics;

using Row = MlNetMtl.Tests.Datasets.DomainImpressionRow;

namespace MlNetMtl.Tests.Datasets;

/// <summary>
/// The multi-domain known answer: each domain's labels have a part of their own, so a model that sees the domain
/// recovers each domain's AUC and one blind to it cannot — the yardstick the scenario-aware models will be held to.
/// </summary>
public class MultiDomainTests
{
    [Test]
    public void TheGenerator_GivesUnequalDomains_WhoseOwnPartMatters()
    {
        var rows = MultiDomainGenerator.Generate(rows: 40_000, domains: 5, seed: 3);
        var shares = rows.GroupBy(r => r.Domain).OrderBy(g => g.Key).Select(g => g.Count() / 40_000.0).ToArray();
        Assert.That(shares, Is.EqualTo(new[] { 0.5, 0.25, 0.125, 0.0625, 0.0625 }).Within(0.01));
        foreach (var domain in rows.GroupBy(r => r.Domain))
        {
            var labels = domain.Select(r => r.Click ? 1f : 0f).ToArray();
            double truth = RankingMetrics.Auc(domain.Select(r => (float)r.ClickLogit).ToArray(), labels);
            double shared = RankingMetrics.Auc(domain.Select(r => (float)r.SharedClickLogit).ToArray(), labels);
            Assert.That(truth, Is.GreaterThan(shared + 0.05), $"{domain.Key}: the domain's own part carries signal ({truth:F3} vs {shared:F3})");
        }
        Assert.That(MultiDomainGenerator.Generate(100, 3, seed: 3).Select(r => r.ClickLogit), Is.EqualTo(MultiDomainGenerator.Generate(100, 3, seed: 3).Select(r => r.ClickLogit)));
    }

    [Test]
    public void AModelThatSeesTheDomain_RecoversEachDomain_WhereADomainBlindOneCannot()
    {
        var ml = new MLContext(seed: 1);
        var all = MultiDomainGenerator.Generate(rows: 30_000, domains: 4, seed: 3);
        var train = Row.Load(ml, all.Take(24_000));
        var test = Row.Load(ml, all.Skip(24_000));
        TaskColumn[] tasks = [new("click", nameof(Row.Click)), new("like", nameof(Row.Like))];
        var options = new MultiTaskNetworkTrainerOptions
        {
            Tasks = tasks,
            Network = new SharedBottomOptions { BottomWidths = [64], TowerWidths = [16] },
            Training = new() { Threads = 1, Seed = 2 },
        };
        DomainEvaluation Evaluate(bool seesDomain)
        {
            IEstimator<ITransformer> features = seesDomain
                ? ml.Transforms.Categorical.OneHotEncoding("DomainOneHot", nameof(Row.Domain)).Append(ml.Transforms.Concatenate("Features", nameof(Row.X), "DomainOneHot"))
                : ml.Transforms.Concatenate("Features", nameof(Row.X));
            var model = features.Append(ml.MultiTask().Network(options)).Fit(train);
            return ml.MultiTask().EvaluateByDomain(model.Transform(test), tasks, nameof(Row.Domain));
        }
        var blind = Evaluate(seesDomain: false);
        var aware = Evaluate(seesDomain: true);
        foreach (var domain in aware.Domains)
        {
            double seen = domain.Metrics["click"].Score, notSeen = blind.Domains.Single(d => d.Domain == domain.Domain).Metrics["click"].Score;
            TestContext.Out.WriteLine($"{domain.Domain} ({domain.Rows} rows): click AUC sees the domain {seen:F4}, blind {notSeen:F4}");
            Assert.That(seen, Is.GreaterThan(notSeen + 0.03), domain.Domain);
        }
        Assert.That(aware.WeightedMean("like"), Is.GreaterThan(blind.WeightedMean("like")));
    }

    [TestCase("STAR")]
    [TestCase("MMoE")]
    [TestCase("PEPNet")]
    public void AScenarioAwareModel_RecoversEachDomain_WhereADomainBlindOneCannot(string architecture)
    {
        var ml = new MLContext(seed: 1);
        var all = MultiDomainGenerator.Generate(rows: 30_000, domains: 4, seed: 3);
        var train = Row.Load(ml, all.Take(24_000));
        var test = Row.Load(ml, all.Skip(24_000));
        TaskColumn[] tasks = [new("click", nameof(Row.Click)), new("like", nameof(Row.Like))];
        var features = ml.Transforms.Categorical.OneHotEncoding("OneHot." + nameof(Row.Domain), nameof(Row.Domain))
            .Append(ml.Transforms.Concatenate("Features", nameof(Row.X), "OneHot." + nameof(Row.Domain)));
        DomainEvaluation Evaluate(NetworkOptions network, string? domainColumn)
        {
            var options = new MultiTaskNetworkTrainerOptions { Tasks = tasks, Network = network, DomainColumn = domainColumn, Training = new() { Threads = 1, Seed = 2 } };
            var model = features.Append(ml.MultiTask().Network(options)).Fit(train);
            return ml.MultiTask().EvaluateByDomain(model.Transform(test), tasks, nameof(Row.Domain));
        }
        NetworkOptions aware = architecture switch
        {
            "STAR" => new StarOptions { BottomWidths = [64], TowerWidths = [16] },
            "PEPNet" => new PepNetOptions { TowerWidths = [64, 16], GateWidth = 32 },
            _ => new MmoeOptions { ExpertCount = 4, ExpertWidths = [32], TowerWidths = [16] },
        };
        var scenario = Evaluate(aware, nameof(Row.Domain));
        var blindOptions = new MultiTaskNetworkTrainerOptions { Tasks = tasks, Network = new SharedBottomOptions { BottomWidths = [64], TowerWidths = [16] }, Training = new() { Threads = 1, Seed = 2 } };
        var blindModel = ml.Transforms.Concatenate("Features", nameof(Row.X)).Append(ml.MultiTask().Network(blindOptions)).Fit(train);
        var blind = ml.MultiTask().EvaluateByDomain(blindModel.Transform(test), tasks, nameof(Row.Domain));
        var testRows = all.Skip(24_000).ToArray();
        foreach (var domain in scenario.Domains)
        {
            var own = testRows.Where(r => r.Domain == domain.Domain).ToArray();
            double truth = RankingMetrics.Auc(own.Select(r => (float)r.ClickLogit).ToArray(), own.Select(r => r.Click ? 1f : 0f).ToArray());
            double aucAware = domain.Metrics["click"].Score, aucBlind = blind.Domains.Single(d => d.Domain == domain.Domain).Metrics["click"].Score;
            TestContext.Out.WriteLine($"{domain.Domain} ({domain.Rows} rows): click AUC {architecture} {aucAware:F4}, domain-blind {aucBlind:F4}, the labels' own logit {truth:F4}");
            Assert.That(aucAware, Is.GreaterThan(aucBlind + 0.03), domain.Domain);
            Assert.That(aucAware, Is.GreaterThan(truth - 0.04), $"{domain.Domain}: near what the labels' own logit ranks");
        }
    }
}
