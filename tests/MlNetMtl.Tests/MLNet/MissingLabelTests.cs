using Microsoft.ML;
using MlNetMtl.Data;
using MlNetMtl.MLNet;
using MlNetMtl.Networks.Architectures;

namespace MlNetMtl.Tests.MLNet;

public class MissingLabelTests
{
    [Test]
    public void MaskedSentinelLabels_TrainAndAreLeftOutOfTheMetrics()
    {
        var ml = new MLContext(seed: 1);
        var rows = Impressions.Generate(3000, 1);
        for (int i = 0; i < rows.Count; i++)
            if (i % 3 == 0)
                rows[i].Watch = -1f; // "not watched": no watch-time label
        var data = ml.Data.LoadFromEnumerable(rows);
        var watch = new TaskColumn("watch", nameof(Impression.Watch), TaskKind.Regression, missingLabels: MissingLabelPolicy.Mask, missingLabelValue: -1f);
        var model = Impressions.Pipeline(ml, new MultiTaskNetworkTrainerOptions { Tasks = [Impressions.Click, watch], Network = new SharedBottomOptions { BottomWidths = [32], TowerWidths = [16] }, Training = new() { Epochs = 20, LearningRate = 3e-3f } }).Fit(data);
        var scored = model.Transform(data);
        var metrics = ml.MultiTask().Evaluate(scored, [Impressions.Click, watch]);

        var predictions = Impressions.Column(scored, "watch.Score");
        var labelled = Enumerable.Range(0, rows.Count).Where(i => i % 3 != 0).ToArray();
        double rmse = Math.Sqrt(labelled.Average(i => Math.Pow(predictions[i] - rows[i].Watch, 2)));
        Assert.That(metrics["watch"].Regression!.RootMeanSquaredError, Is.EqualTo(rmse).Within(1e-5 * rmse), "metrics skip the masked rows");
        Assert.That(metrics["watch"].Regression!.RSquared, Is.GreaterThan(0.9));
    }

    [Test]
    public void SentinelWithoutMasking_ThrowsWithTheCount()
    {
        var ml = new MLContext(seed: 1);
        var rows = Impressions.Generate(100, 1);
        rows[4].Watch = rows[9].Watch = -1f;
        var watch = new TaskColumn("watch", nameof(Impression.Watch), TaskKind.Regression, missingLabelValue: -1f);
        var pipeline = Impressions.Pipeline(ml, new MultiTaskNetworkTrainerOptions { Tasks = [watch], Training = new() { Epochs = 1 } });
        Assert.That(() => pipeline.Fit(ml.Data.LoadFromEnumerable(rows)),
            Throws.ArgumentException.With.Message.Contains("'Watch'").And.Message.Contains("2 missing labels of 100 rows").And.Message.Contains("first at row 4"));
    }

    [Test]
    public void WeightColumns_TrainAndBadOnesAreNamed()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Impressions.Generate(500, 1));
        var weighted = new MultiTaskNetworkTrainerOptions { Tasks = [Impressions.Click], WeightColumnName = nameof(Impression.Income), Training = new() { Epochs = 2 } };
        Assert.That(Impressions.Pipeline(ml, weighted).Fit(data), Is.Not.Null);

        var badShared = new MultiTaskNetworkTrainerOptions { Tasks = [Impressions.Click], WeightColumnName = nameof(Impression.Category), Training = new() { Epochs = 1 } };
        Assert.That(() => Impressions.Pipeline(ml, badShared).Fit(data), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("weight column 'Category'"));
        var badTask = new MultiTaskNetworkTrainerOptions { Tasks = [new TaskColumn("click", nameof(Impression.Click), weightColumnName: "Nope")], Training = new() { Epochs = 1 } };
        Assert.That(() => Impressions.Pipeline(ml, badTask).Fit(data), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("weight (task 'click') column 'Nope'"));
    }
}

public class WeightingOptionTests
{
    [Test]
    public void LossWeighting_IsAnOption_AndItsWeightsAreInTheHistory()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Impressions.Generate(1000, 1));
        var options = new MultiTaskNetworkTrainerOptions { Tasks = [Impressions.Click, Impressions.Watch], Training = new() { Epochs = 3, Weighting = MlNetMtl.Training.Weighting.LossWeighting.Create("uncertainty") } };
        var model = MultiTaskTransformer.FindIn(Impressions.Pipeline(ml, options).Fit(data))!;
        Assert.That(model.TrainingHistory.Select(e => e.TaskWeights.Count), Is.All.EqualTo(2));
        Assert.That(model.TrainingHistory[^1].TaskWeights[1], Is.Not.EqualTo(1.0), "learned weights move away from 1");
    }
}
