using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data;
using MlNetMtl.MLNet;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Tests.Training;

namespace MlNetMtl.Tests.MLNet;

public class MulticlassTests
{
    public sealed class Row
    {
        [VectorType(20)] public float[] Features { get; set; } = [];
        public string Level { get; set; } = "";
        public bool High { get; set; }
    }

    private static IEnumerable<Row> Rows(MultiTaskDataset data)
    {
        var features = (DenseFeatures)data.Features;
        for (int r = 0; r < data.Rows; r++)
            yield return new Row { Features = features.Row(r).ToArray(), Level = "L" + data.Labels[0][r], High = data.Labels[1][r] == 1f };
    }

    [Test]
    public void MulticlassTask_TrainsEvaluatesWithWeightedF1_AndRoundTrips()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(Rows(MulticlassLearningTests.FourClassData(8000, 1)));
        var level = new TaskColumn("level", "LevelKey", TaskKind.Multiclass);
        var high = new TaskColumn("high", nameof(Row.High));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("LevelKey", nameof(Row.Level))
            .Append(ml.MultiTask().Network(new MultiTaskNetworkTrainerOptions { Tasks = [level, high], Network = new SharedBottomOptions { BottomWidths = [64, 32], TowerWidths = [16] }, Training = new() { Epochs = 20, LearningRate = 3e-3f } }));
        var model = pipeline.Fit(train);
        var scored = model.Transform(train);

        var scoreType = (VectorDataViewType)scored.Schema["level.Score"].Type;
        Assert.That(scoreType.Size, Is.EqualTo(4));
        Assert.That(((KeyDataViewType)scored.Schema["level.PredictedLabel"].Type).Count, Is.EqualTo(4));

        var metrics = ml.MultiTask().Evaluate(scored, MultiTaskTransformer.FindIn(model)!);
        TestContext.Out.WriteLine(metrics.ToTable());
        Assert.That(metrics["level"].Multiclass!.MicroAccuracy, Is.GreaterThan(0.6), "4 classes: chance is 0.25");

        var predicted = scored.GetColumn<uint>("level.PredictedLabel").ToArray();
        var actual = scored.GetColumn<uint>("LevelKey").ToArray();
        Assert.That(metrics["level"].WeightedF1, Is.EqualTo(IndependentWeightedF1(predicted, actual, 4)).Within(1e-9));
        var probabilities = scored.GetColumn<float[]>("level.Score").First();
        Assert.That(probabilities.Sum(), Is.EqualTo(1f).Within(1e-5));

        string path = Path.Combine(Path.GetTempPath(), $"mlnet-mtl-multiclass-{Guid.NewGuid():N}.zip");
        try
        {
            ml.MultiTask().SaveModel(model, train.Schema, path);
            var loaded = new MLContext().MultiTask().LoadModel(path, out _);
            Assert.That(loaded.Transform(train).GetColumn<float[]>("level.Score").Take(50).SelectMany(v => v), Is.EqualTo(scored.GetColumn<float[]>("level.Score").Take(50).SelectMany(v => v)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Σ_c support_c·F1_c / rows, counted directly from the predictions.</summary>
    private static double IndependentWeightedF1(uint[] predicted, uint[] actual, int classes)
    {
        double sum = 0;
        for (uint c = 1; c <= classes; c++)
        {
            int tp = predicted.Zip(actual).Count(p => p.First == c && p.Second == c);
            int predictedCount = predicted.Count(p => p == c), support = actual.Count(a => a == c);
            double precision = predictedCount == 0 ? 0 : (double)tp / predictedCount, recall = support == 0 ? 0 : (double)tp / support;
            sum += support * (precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall));
        }
        return sum / actual.Length;
    }

    [Test]
    public void MulticlassLabel_OfTheWrongType_IsNamed()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows(MulticlassLearningTests.FourClassData(50, 1)));
        var trainer = ml.MultiTask().Network(new MultiTaskNetworkTrainerOptions { Tasks = [new TaskColumn("level", nameof(Row.High), TaskKind.Multiclass)], Training = new() { Epochs = 1 } });
        Assert.That(() => trainer.Fit(data), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("must be a key"));
    }
}
