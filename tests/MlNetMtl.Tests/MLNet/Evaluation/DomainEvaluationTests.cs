using Microsoft.ML;
using MlNetMtl.MLNet;

namespace MlNetMtl.Tests.MLNet.Evaluation;

/// <summary>Metrics per domain: each domain's equal to evaluating its rows alone, a domain too small to score, the weighted mean, GAUC per domain, bad columns.</summary>
public class DomainEvaluationTests
{
    private static (MLContext Ml, ITransformer Model, List<Impression> Test) Trained()
    {
        var ml = new MLContext(seed: 1);
        var model = Impressions.Pipeline(ml).Fit(ml.Data.LoadFromEnumerable(Impressions.Generate(1_200, 1)));
        return (ml, model, Impressions.Generate(600, 2));
    }

    [Test]
    public void EachDomainsMetrics_EqualThoseOfItsRowsAlone_AndTheMeanIsRowWeighted()
    {
        var (ml, model, test) = Trained();
        var scored = model.Transform(ml.Data.LoadFromEnumerable(test));
        var evaluation = ml.MultiTask().EvaluateByDomain(scored, [Impressions.Click, Impressions.Watch], nameof(Impression.Category), nameof(Impression.User));
        Assert.That(evaluation.Domains.Select(d => d.Domain).Order(), Is.EqualTo(new[] { "a", "b", "c", "d", "e", "f" }));
        Assert.That(evaluation.Domains.Sum(d => d.Rows), Is.EqualTo(test.Count));
        foreach (var domain in evaluation.Domains)
        {
            var alone = model.Transform(ml.Data.LoadFromEnumerable(test.Where(r => r.Category == domain.Domain).ToList()));
            var expected = ml.MultiTask().Evaluate(alone, [Impressions.Click, Impressions.Watch]);
            Assert.That(domain.Metrics["click"].Binary!.AreaUnderRocCurve, Is.EqualTo(expected["click"].Binary!.AreaUnderRocCurve), domain.Domain);
            Assert.That(domain.Metrics["click"].Binary!.LogLoss, Is.EqualTo(expected["click"].Binary!.LogLoss), domain.Domain);
            Assert.That(domain.Metrics["watch"].Regression!.RootMeanSquaredError, Is.EqualTo(expected["watch"].Regression!.RootMeanSquaredError), domain.Domain);
            Assert.That(domain.GroupAuc["click"], Is.EqualTo(ml.MultiTask().GroupAuc(alone, Impressions.Click, nameof(Impression.User))), domain.Domain);
        }
        double weighted = evaluation.Domains.Sum(d => d.Rows * d.Metrics["click"].Score) / test.Count;
        Assert.That(evaluation.WeightedMean("click"), Is.EqualTo(weighted).Within(1e-12));
        Assert.That(evaluation.Overall["click"].Binary!.AreaUnderRocCurve, Is.EqualTo(ml.MultiTask().Evaluate(scored, [Impressions.Click])["click"].Binary!.AreaUnderRocCurve));
    }

    [Test]
    public void ADomainOfOneRow_IsListed_ItsBinaryTaskNotEvaluated_AndLeftOutOfTheMean()
    {
        var (ml, model, test) = Trained();
        var withTiny = test.Append(new Impression { Category = "z", Age = 40, Income = 10, User = "u1", Click = true, Watch = 1 }).ToList();
        var evaluation = ml.MultiTask().EvaluateByDomain(model.Transform(ml.Data.LoadFromEnumerable(withTiny)), [Impressions.Click], nameof(Impression.Category));
        var tiny = evaluation.Domains.Single(d => d.Domain == "z");
        Assert.That((tiny.Rows, tiny.Metrics.Count), Is.EqualTo((1L, 0)));
        Assert.That(tiny.NotEvaluated["click"], Does.Contain("all positive"));
        Assert.That(evaluation.Domains[^1].Domain, Is.EqualTo("z"), "largest first");
        double weighted = evaluation.Domains.Where(d => d.Domain != "z").Sum(d => d.Rows * d.Metrics["click"].Score) / test.Count;
        Assert.That(evaluation.WeightedMean("click"), Is.EqualTo(weighted).Within(1e-12));
    }

    [Test]
    public void AMissingDomainColumn_OrAnEmptyDomain_IsNamed()
    {
        var (ml, model, test) = Trained();
        var scored = model.Transform(ml.Data.LoadFromEnumerable(test));
        Assert.That(() => ml.MultiTask().EvaluateByDomain(scored, [Impressions.Click], "tab"),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("Domain column 'tab' is not in the scored data").And.Message.Contains("Category"));
        test[4].Category = "";
        var gap = model.Transform(ml.Data.LoadFromEnumerable(test));
        Assert.That(() => ml.MultiTask().EvaluateByDomain(gap, [Impressions.Click], nameof(Impression.Category)),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("Domain column 'Category', row 5: the domain is empty"));
    }
}
