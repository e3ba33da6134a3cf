using Microsoft.ML;
using MlNetMtl.MLNet;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Training;

namespace MlNetMtl.Tests.MLNet;

public class TransferOptionTests
{
    [Test]
    public void AddingATaskToASavedModel_KeepsTheOldTasksPredictions()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Impressions.Generate(2000, 1));
        var first = Impressions.Pipeline(ml, new MultiTaskNetworkTrainerOptions { Tasks = [Impressions.Click], Network = new SharedBottomOptions { BottomWidths = [32], TowerWidths = [8] }, Training = new() { Epochs = 3 } }).Fit(data);
        string path = Path.Combine(Path.GetTempPath(), $"mlnet-mtl-warm-{Guid.NewGuid():N}.zip");
        try
        {
            ml.MultiTask().SaveModel(first, data.Schema, path);
            var saved = MultiTaskTransformer.FindIn(new MLContext().MultiTask().LoadModel(path, out _))!;
            var options = new MultiTaskNetworkTrainerOptions { Tasks = [Impressions.Click, Impressions.Watch], WarmStart = saved, Network = new SharedBottomOptions { BottomWidths = [32], TowerWidths = [8] }, Training = new() { Epochs = 40, LearningRate = 1e-2f, Freeze = FreezeMode.WarmStarted } };
            var both = Impressions.Pipeline(ml, options).Fit(data);
            Assert.That(Impressions.Column(both.Transform(data), "click.Score"), Is.EqualTo(Impressions.Column(first.Transform(data), "click.Score")));
            Assert.That(ml.MultiTask().Evaluate(both.Transform(data), MultiTaskTransformer.FindIn(both)!)["watch"].Regression!.RSquared, Is.GreaterThan(0.5));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
