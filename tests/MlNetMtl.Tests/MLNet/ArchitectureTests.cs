using Microsoft.ML;
using MlNetMtl.MLNet;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Settings;

namespace MlNetMtl.Tests.MLNet;

/// <summary>Every architecture is one option away: it fits, evaluates, saves and loads bit-identically in a pipeline.</summary>
[NonParallelizable]
public class ArchitectureTests
{
    [TestCase("SharedBottom")]
    [TestCase("MMoE")]
    [TestCase("OMoE")]
    [TestCase("PLE")]
    public void Architecture_FitsEvaluatesAndRoundTrips(string architecture)
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(Impressions.Generate(4000, 1));
        var test = ml.Data.LoadFromEnumerable(Impressions.Generate(1000, 2));
        // Each architecture takes the sizes it has; the others are ignored.
        var options = Options(architecture, ("levels", "2"), ("shared-experts", "2"), ("task-experts", "1"));
        var model = Impressions.Pipeline(ml, options).Fit(train);
        var scored = model.Transform(test);
        var metrics = ml.MultiTask().Evaluate(scored, MultiTaskTransformer.FindIn(model)!);
        TestContext.Out.WriteLine($"{architecture}:\n{metrics.ToTable()}");
        Assert.That(metrics["click"].Binary!.AreaUnderRocCurve, Is.GreaterThan(0.85));
        Assert.That(metrics["watch"].Regression!.RSquared, Is.GreaterThan(0.8));

        var loaded = RoundTrip(ml, model, train.Schema);
        Assert.That(Impressions.Column(loaded.Transform(test), "click.Score"), Is.EqualTo(Impressions.Column(scored, "click.Score")));
        Assert.That(Impressions.Column(loaded.Transform(test), "watch.Score"), Is.EqualTo(Impressions.Column(scored, "watch.Score")));
        Assert.That(MultiTaskTransformer.FindIn(loaded)!.Network.Options.GetType(), Is.EqualTo(MultiTaskTransformer.FindIn(model)!.Network.Options.GetType()));
    }

    /// <summary>A user's own pipeline (OneHot → two normalized numerics → Concatenate) gets one field per source column.</summary>
    [TestCase("SharedBottom", "FM")]
    [TestCase("MMoE", "None")]
    public void EmbeddingEncoder_FitsEvaluatesAndRoundTrips(string architecture, string interaction)
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(Impressions.Generate(4000, 1));
        var test = ml.Data.LoadFromEnumerable(Impressions.Generate(1000, 2));
        var options = Options(architecture, ("encoder", "Embedding"), ("embedding-size", "8"), ("interaction", interaction));
        var model = Impressions.Pipeline(ml, options).Fit(train);
        var network = MultiTaskTransformer.FindIn(model)!.Network;
        Assert.That(network.Fields!.Fields.Select(f => (f.Name, f.Length)), Is.EqualTo(new[] { ("CategoryOneHot", 6), ("AgeNorm", 1), ("IncomeNorm", 1) }));
        Assert.That(network.Parameters[0].Name, Is.EqualTo("embedding.table"));

        var scored = model.Transform(test);
        var metrics = ml.MultiTask().Evaluate(scored, MultiTaskTransformer.FindIn(model)!);
        TestContext.Out.WriteLine($"{architecture} with embeddings ({interaction}):\n{metrics.ToTable()}");
        Assert.That(metrics["click"].Binary!.AreaUnderRocCurve, Is.GreaterThan(0.85));
        Assert.That(metrics["watch"].Regression!.RSquared, Is.GreaterThan(0.8));
        var loaded = RoundTrip(ml, model, train.Schema);
        Assert.That(Impressions.Column(loaded.Transform(test), "click.Score"), Is.EqualTo(Impressions.Column(scored, "click.Score")));
        Assert.That(MultiTaskTransformer.FindIn(loaded)!.Network.Options.Encoder, Is.EqualTo(network.Options.Encoder));
    }

    /// <summary>Click and watch on <paramref name="architecture"/> with small sizes, 30 epochs at lr 0.003, and <paramref name="more"/> settings by flag.</summary>
    private static MultiTaskNetworkTrainerOptions Options(string architecture, params (string Flag, string Value)[] more)
    {
        var values = new[] { ("epochs", "30"), ("learning-rate", "0.003"), ("bottom", "32"), ("experts", "4"), ("expert-widths", "16"), ("tower", "8") }.Concat(more)
            .Aggregate(SettingValues.None, (v, s) => v.With(TrainerSettings.Find(s.Item1)!, TrainerSettings.Find(s.Item1)!.Parse(s.Item2)));
        return new TrainerRecipe(architecture, "fixed", values).ApplyTo(new MultiTaskNetworkTrainerOptions { Tasks = [Impressions.Click, Impressions.Watch] });
    }

    /// <summary>Saves <paramref name="model"/> and loads it back in a fresh context.</summary>
    private static ITransformer RoundTrip(MLContext ml, ITransformer model, DataViewSchema schema)
    {
        string path = Path.Combine(Path.GetTempPath(), $"mlnet-mtl-{Guid.NewGuid():N}.zip");
        try
        {
            ml.MultiTask().SaveModel(model, schema, path);
            return new MLContext().MultiTask().LoadModel(path, out _);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Esmm_AddsPcvr_KeepsPctcvrEqualToPctrTimesPcvr_AndRoundTrips()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(Impressions.Generate(4000, 1));
        var options = new MultiTaskNetworkTrainerOptions { Tasks = [Impressions.Click, Impressions.Purchase], Network = new EsmmOptions { BottomWidths = [32], TowerWidths = [8] }, Training = new() { Epochs = 15, LearningRate = 3e-3f } };
        var model = Impressions.Pipeline(ml, options).Fit(train);
        var scored = model.Transform(train);
        var pCtr = Impressions.Column(scored, "click.Probability");
        var pCtcvr = Impressions.Column(scored, "purchase.Probability");
        var pCvr = Impressions.Column(scored, "purchase.ConversionProbability");
        for (int i = 0; i < pCtr.Length; i++)
            Assert.That(pCtcvr[i], Is.EqualTo(pCtr[i] * pCvr[i]).Within(1e-5), $"row {i}");

        var metrics = ml.MultiTask().Evaluate(scored, MultiTaskTransformer.FindIn(model)!);
        Assert.That(metrics["click"].Binary!.AreaUnderRocCurve, Is.GreaterThan(0.85));
        Assert.That(Impressions.Column(RoundTrip(ml, model, train.Schema).Transform(train), "purchase.ConversionProbability"), Is.EqualTo(pCvr));
    }

    [Test]
    public void Aitm_FitsAFunnel_KeepsLaterStepsNoLikelier_AndRoundTrips()
    {
        var ml = new MLContext(seed: 1);
        var rows = Impressions.Generate(4000, 1);
        foreach (var row in rows.Where(r => !r.Click))
            row.Purchase = 0f; // the funnel over every impression: no click, no purchase
        var train = ml.Data.LoadFromEnumerable(rows);
        var options = new MultiTaskNetworkTrainerOptions { Tasks = [Impressions.Click, Impressions.Purchase], Network = new AitmOptions { BottomWidths = [32], TowerWidths = [16, 8] }, Training = new() { Epochs = 15, LearningRate = 3e-3f } };
        var model = Impressions.Pipeline(ml, options).Fit(train);
        var scored = model.Transform(train);
        var pClick = Impressions.Column(scored, "click.Probability");
        var pPurchase = Impressions.Column(scored, "purchase.Probability");
        double violations = pClick.Zip(pPurchase, (c, p) => p > c + 0.01 ? 1.0 : 0.0).Average();
        Assert.That(violations, Is.LessThan(0.05), "the calibrator keeps P(purchase) ≤ P(click) on almost every row");
        Assert.That(ml.MultiTask().Evaluate(scored, MultiTaskTransformer.FindIn(model)!)["click"].Binary!.AreaUnderRocCurve, Is.GreaterThan(0.85));

        Assert.That(Impressions.Column(RoundTrip(ml, model, train.Schema).Transform(train), "purchase.Score"), Is.EqualTo(Impressions.Column(scored, "purchase.Score")));
    }

    [Test]
    public void GateUtilisation_ReportsEachTasksMeanExpertWeights()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Impressions.Generate(2000, 1));
        var featurized = ml.Transforms.Categorical.OneHotEncoding("CategoryOneHot", nameof(Impression.Category))
            .Append(ml.Transforms.Concatenate("Features", "CategoryOneHot", nameof(Impression.Age))).Fit(data).Transform(data);
        var mmoe = ml.MultiTask().Mmoe("Features", 5, Impressions.Click, Impressions.Watch).Fit(featurized);
        var utilisation = ml.MultiTask().GateUtilisation(featurized, mmoe);
        Assert.That(utilisation.Tasks, Is.EqualTo(new[] { "click", "watch" }));
        foreach (var row in utilisation.MeanWeights)
        {
            Assert.That(row, Has.Length.EqualTo(5));
            Assert.That(row.Sum(), Is.EqualTo(1.0).Within(1e-4));
        }
        Assert.That(utilisation.ToTable(), Does.Contain("expert.4").And.Contain("watch"));
        Assert.That(utilisation.Experts, Has.Count.EqualTo(5));

        var ple = ml.MultiTask().Network(new MultiTaskNetworkTrainerOptions { Tasks = [Impressions.Click, Impressions.Watch], Network = new PleOptions(), Training = new() { Epochs = 2 } }).Fit(featurized);
        var pleUtilisation = ml.MultiTask().GateUtilisation(featurized, ple);
        Assert.That(pleUtilisation.Experts, Is.EqualTo(new[] { "level1.click.expert0", "level1.click.expert1", "level1.watch.expert0", "level1.watch.expert1", "level1.shared.expert0", "level1.shared.expert1" }));
        Assert.That(pleUtilisation.MeanWeights[0][2], Is.EqualTo(0), "click's gate does not mix watch's experts");
        Assert.That(pleUtilisation.MeanWeights[1].Sum(), Is.EqualTo(1.0).Within(1e-4));

        var sharedBottom = ml.MultiTask().SharedBottom("Features", Impressions.Click).Fit(featurized);
        Assert.That(() => ml.MultiTask().GateUtilisation(featurized, sharedBottom), Throws.ArgumentException.With.Message.Contains("SharedBottom"));
    }
}
