using Microsoft.ML;
using MlNetMtl.Data.Synthetic;
using MlNetMtl.Experiments;
using MlNetMtl.MLNet;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Networks.Encoders;

using Row = MlNetMtl.Tests.Datasets.DomainImpressionRow;

namespace MlNetMtl.Tests.Experiments;

/// <summary>The multi-task alternatives to a scenario-aware model: one model ignoring the domain, and one model per domain.</summary>
public class DomainAlternativesTests
{
    private static readonly TaskColumn[] Tasks = [new("click", nameof(Row.Click)), new("like", nameof(Row.Like))];

    private static MultiTaskNetworkTrainerOptions Options(string? domainColumn) => new()
    {
        Tasks = Tasks,
        DomainColumn = domainColumn,
        Network = new StarOptions { BottomWidths = [32], TowerWidths = [8], Encoder = new EncoderOptions { Encoding = InputEncoding.OneHot } },
        Training = new() { Threads = 1, Seed = 2, Epochs = 6 },
    };

    [Test]
    public void Blind_DropsTheDomainColumn_AndTurnsAScenarioAwareArchitectureIntoASharedBottomOfItsSizes()
    {
        var options = Options(nameof(Row.Domain));
        var blind = DomainAlternatives.Blind(options);
        Assert.That(blind.DomainColumn, Is.Null);
        var network = blind.Network as SharedBottomOptions;
        Assert.That(network, Is.Not.Null);
        Assert.That(network!.BottomWidths, Is.EqualTo(new[] { 32 }));
        Assert.That(network.TowerWidths, Is.EqualTo(new[] { 8 }));
        Assert.That(network.Encoder.Encoding, Is.EqualTo(InputEncoding.OneHot), "the input encoder is kept");
        Assert.That(options.DomainColumn, Is.EqualTo(nameof(Row.Domain)), "the options given are unchanged");
        var mmoe = new MultiTaskNetworkTrainerOptions { Tasks = Tasks, DomainColumn = "d", Network = new MmoeOptions() };
        Assert.That(DomainAlternatives.Blind(mmoe).Network, Is.SameAs(mmoe.Network), "MMoE ignores the domain by not conditioning its gates");
    }

    [Test]
    public void SeparateModels_ScoreEachLargeDomainWithAModelOfItsRowsAlone_AndSmallDomainsWithTheBlindModel()
    {
        var ml = new MLContext(seed: 1);
        var all = MultiDomainGenerator.Generate(rows: 12_000, domains: 5, seed: 3);
        var trainRows = all.Take(9_600).ToArray();
        var features = ml.Transforms.Categorical.OneHotEncoding("OneHot", nameof(Row.Domain)).Append(ml.Transforms.Concatenate("Features", nameof(Row.X), "OneHot"))
            .Fit(Row.Load(ml, trainRows));
        var train = features.Transform(Row.Load(ml, trainRows));
        var test = features.Transform(Row.Load(ml, all.Skip(9_600)));

        var result = DomainAlternatives.Run(ml, Options(nameof(Row.Domain)), train, null, test, nameof(Row.Domain));

        var trainCounts = trainRows.GroupBy(r => r.Domain).ToDictionary(g => g.Key, g => g.Count());
        Assert.That(result.OwnModels, Is.EquivalentTo(trainCounts.Where(c => c.Value >= DomainAlternatives.MinimumRows).Select(c => c.Key)));
        Assert.That(result.ScoredByBlind, Is.EquivalentTo(trainCounts.Where(c => c.Value < DomainAlternatives.MinimumRows).Select(c => c.Key)));
        Assert.That(result.ScoredByBlind, Is.Not.Empty, "the generator's smallest domains are under the threshold at this size");
        foreach (string domain in result.ScoredByBlind)
            foreach (var task in Tasks)
                Assert.That(result.Separate[task.Name].Single(s => s.Domain == domain).Score, Is.EqualTo(result.Blind[task.Name].Single(s => s.Domain == domain).Score), domain);

        // The second largest domain's score is that of a model trained, the same way, on a data set of its rows only.
        string second = result.OwnModels[1];
        var alone = ml.MultiTask().Network(DomainAlternatives.Blind(Options(null))).Fit(features.Transform(Row.Load(ml, trainRows.Where(r => r.Domain == second))));
        var scored = alone.Transform(features.Transform(Row.Load(ml, all.Skip(9_600).Where(r => r.Domain == second))));
        var expected = ml.MultiTask().EvaluateByDomain(scored, Tasks, nameof(Row.Domain));
        foreach (var task in Tasks)
            Assert.That(result.Separate[task.Name].Single(s => s.Domain == second).Score, Is.EqualTo(expected.Scores(task.Name).Single().Score), task.Name);
        Assert.That(result.Separate["click"].Single(s => s.Domain == second).Score, Is.Not.EqualTo(result.Blind["click"].Single(s => s.Domain == second).Score),
            "its own model is not the blind one");
    }
}
