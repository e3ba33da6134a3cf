using Microsoft.ML;
using MlNetMtl.MLNet;
using MlNetMtl.Networks.Architectures;

namespace MlNetMtl.Tests.MLNet;

public class MultiTaskGainTests
{
    [Test]
    public void Gain_ComparesEachTaskWithItsSingleTaskModel()
    {
        var ml = new MLContext(seed: 1);
        var featurizer = Impressions.CategoryAndAge(ml);
        var trainRows = ml.Data.LoadFromEnumerable(Impressions.Generate(3000, 1));
        var fitted = featurizer.Fit(trainRows);
        var train = ml.Data.Cache(fitted.Transform(trainRows));
        var test = fitted.Transform(ml.Data.LoadFromEnumerable(Impressions.Generate(1000, 2)));
        var options = new MultiTaskNetworkTrainerOptions { Tasks = [Impressions.Click, Impressions.Watch], Network = new SharedBottomOptions { BottomWidths = [32], TowerWidths = [8] }, Training = new() { Epochs = 10, LearningRate = 3e-3f } };

        var report = ml.MultiTask().MultiTaskGain(train, test, options);
        TestContext.Out.WriteLine(report.ToTable());

        Assert.That(report.Tasks.Select(t => (t.Task, t.Metric)), Is.EqualTo(new[] { ("click", "AUC"), ("watch", "RMSE") }));
        var alone = ml.MultiTask().Network(new MultiTaskNetworkTrainerOptions { Tasks = [Impressions.Watch], Network = new SharedBottomOptions { BottomWidths = [32], TowerWidths = [8] }, Training = new() { Epochs = 10, LearningRate = 3e-3f } }).Fit(train);
        double rmse = ml.MultiTask().Evaluate(alone.Transform(test), alone)["watch"].Regression!.RootMeanSquaredError;
        var watch = report.Tasks[1];
        Assert.That(watch.SingleTask, Is.EqualTo(rmse), "the single-task model is the same architecture trained on that task alone");
        Assert.That(watch.RelativeGain, Is.EqualTo(-(watch.MultiTask - watch.SingleTask) / watch.SingleTask).Within(1e-12), "lower RMSE is a gain");
        Assert.That(report.MeanRelativeGain, Is.EqualTo(report.Tasks.Average(t => t.RelativeGain)).Within(1e-12));
        Assert.That(report.ToTable(), Does.Contain("Δp"));
    }
}
