using Microsoft.ML;
using MlNetMtl.MLNet;
using MlNetMtl.Networks.Architectures;

namespace MlNetMtl.Tests.MLNet;

public class StreamingFitTests
{
    private static MultiTaskNetworkTrainerOptions Options(int? buffer) => new()
    {
        Tasks = [Impressions.Click, Impressions.Watch], ShuffleBufferRows = buffer,
        Network = new SharedBottomOptions { BottomWidths = [32], TowerWidths = [16] },
        Training = new() { Epochs = 8, LearningRate = 3e-3f, Threads = 1 },
    };

    [Test]
    public void ABufferHoldingEveryRow_GivesTheInMemoryModel()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Impressions.Generate(2_000, 1));
        var inMemory = Impressions.Pipeline(ml, Options(null)).Fit(data).Transform(data);
        var streamed = Impressions.Pipeline(ml, Options(2_000)).Fit(data).Transform(data);
        Assert.That(Impressions.Column(streamed, "click.Score"), Is.EqualTo(Impressions.Column(inMemory, "click.Score")));
        Assert.That(Impressions.Column(streamed, "watch.Score"), Is.EqualTo(Impressions.Column(inMemory, "watch.Score")));
    }

    [Test]
    public void ASmallBuffer_TrainsFromAnIdvFile()
    {
        var ml = new MLContext(seed: 2);
        var featurize = Impressions.CategoryAndAge(ml);
        var raw = ml.Data.LoadFromEnumerable(Impressions.Generate(6_000, 2));
        var featurizer = featurize.Fit(raw);
        string path = Path.Combine(Path.GetTempPath(), $"mlnet-mtl-stream-{Guid.NewGuid():N}.idv");
        try
        {
            using (var stream = File.Create(path))
                ml.Data.SaveAsBinary(featurizer.Transform(raw), stream);
            var onDisk = ml.Data.LoadFromBinary(path);
            var model = ml.MultiTask().Network(Options(300)).Fit(onDisk);

            var test = featurizer.Transform(ml.Data.LoadFromEnumerable(Impressions.Generate(2_000, 3)));
            var metrics = ml.MultiTask().Evaluate(model.Transform(test), model);
            Assert.That(metrics["click"].Binary!.AreaUnderRocCurve, Is.GreaterThan(0.85));
            Assert.That(model.TrainingHistory.All(e => double.IsFinite(e.MeanValidationLoss)), "held-out rows validate every epoch");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void HashedSparseFeatures_StreamAsTheirNonZeros()
    {
        var ml = new MLContext(seed: 3);
        var featurize = ml.Transforms.Categorical.OneHotHashEncoding("UserHashed", nameof(Impression.User), numberOfBits: 16)
            .Append(ml.Transforms.Categorical.OneHotEncoding("CategoryOneHot", nameof(Impression.Category)))
            .Append(ml.Transforms.NormalizeMinMax("AgeNorm", nameof(Impression.Age)))
            .Append(ml.Transforms.Concatenate("Features", "UserHashed", "CategoryOneHot", "AgeNorm"));
        var raw = ml.Data.LoadFromEnumerable(Impressions.Generate(5_000, 4));
        var featurizer = featurize.Fit(raw);
        var model = ml.MultiTask().Network(Options(400)).Fit(featurizer.Transform(raw));
        Assert.That(model.Network.InputDimension, Is.GreaterThan(65_536), "65,543-wide rows: a dense buffer would hold 400 × 65,543 floats");
        var test = featurizer.Transform(ml.Data.LoadFromEnumerable(Impressions.Generate(2_000, 5)));
        Assert.That(ml.MultiTask().Evaluate(model.Transform(test), model)["click"].Binary!.AreaUnderRocCurve, Is.GreaterThan(0.85));
    }

    [Test]
    public void ANonPositiveBuffer_IsRejectedByName()
    {
        var ml = new MLContext();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.MultiTask().Network(Options(0)));
        Assert.That(error!.ParamName, Is.EqualTo("ShuffleBufferRows"));
    }
}
