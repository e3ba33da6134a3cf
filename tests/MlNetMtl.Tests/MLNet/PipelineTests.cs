using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.MLNet;

namespace MlNetMtl.Tests.MLNet;

public class PipelineTests
{
    private MLContext _ml = null!;
    private IDataView _train = null!, _test = null!;
    private ITransformer _model = null!;

    [OneTimeSetUp]
    public void TrainOnce()
    {
        _ml = new MLContext(seed: 1);
        _train = _ml.Data.LoadFromEnumerable(Impressions.Generate(4000, 1));
        _test = _ml.Data.LoadFromEnumerable(Impressions.Generate(1000, 2));
        _model = Impressions.Pipeline(_ml).Fit(_train);
    }

    [Test]
    public void Pipeline_FitsTransformsAndEvaluatesEveryTask()
    {
        var scored = _model.Transform(_test);
        var metrics = _ml.MultiTask().Evaluate(scored, [Impressions.Click, Impressions.Watch]);
        TestContext.Out.WriteLine(metrics.ToTable());
        Assert.That(metrics["click"].Binary!.AreaUnderRocCurve, Is.GreaterThan(0.85));
        Assert.That(metrics["watch"].Regression!.RSquared, Is.GreaterThan(0.8));
        Assert.That(metrics.ToTable(), Does.Contain("click").And.Contain("watch").And.Contain("AUC"));
    }

    [Test]
    public void EstimatorOutputSchema_MatchesTheTransformedSchema()
    {
        // EstimatorChain.Fit builds this shape with the internal SchemaShape.Create; the test calls it the same way.
        var create = typeof(SchemaShape).GetMethod("Create", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
        var shape = Impressions.Pipeline(_ml).GetOutputSchema((SchemaShape)create.Invoke(null, [_train.Schema])!);
        var schema = _model.Transform(_train).Schema;
        foreach (var name in new[] { "click.Score", "click.Probability", "click.PredictedLabel", "watch.Score" })
        {
            var column = shape.Single(c => c.Name == name);
            Assert.That(column.ItemType, Is.EqualTo(schema[name].Type), name);
            Assert.That(column.Kind, Is.EqualTo(SchemaShape.Column.VectorKind.Scalar), name);
        }
        Assert.That(shape.Any(c => c.Name == "watch.Probability"), Is.False, "regression tasks have no probability");
    }

    [Test]
    public void PredictionEngine_GivesTheSameNumbersAsTransform()
    {
        var rows = Impressions.Generate(50, 3);
        var scored = _model.Transform(_ml.Data.LoadFromEnumerable(rows));
        var clickScores = Impressions.Column(scored, "click.Score");
        var clickProbabilities = Impressions.Column(scored, "click.Probability");
        var watchScores = Impressions.Column(scored, "watch.Score");
        var labels = scored.GetColumn<bool>("click.PredictedLabel").ToArray();
        var engine = _ml.Model.CreatePredictionEngine<Impression, Prediction>(_model);
        for (int i = 0; i < rows.Count; i++)
        {
            var prediction = engine.Predict(rows[i]);
            Assert.That(prediction.ClickScore, Is.EqualTo(clickScores[i]), $"row {i}");
            Assert.That(prediction.ClickProbability, Is.EqualTo(clickProbabilities[i]), $"row {i}");
            Assert.That(prediction.ClickLabel, Is.EqualTo(labels[i]), $"row {i}");
            Assert.That(prediction.WatchScore, Is.EqualTo(watchScores[i]), $"row {i}");
            Assert.That(prediction.ClickProbability, Is.EqualTo(1 / (1 + Math.Exp(-prediction.ClickScore))).Within(1e-6));
        }
    }

    [Test]
    public void TrainingHistory_AndWeights_AreExposed()
    {
        var transformer = ((IEnumerable<ITransformer>)_model).OfType<MultiTaskTransformer>().Single();
        Assert.That(transformer.TrainingHistory, Is.Not.Empty);
        Assert.That(transformer.Network.Parameters.Select(p => p.Name), Does.Contain("bottom.0.weight").And.Contain("tower.watch.1.bias"));
        Assert.That(transformer.Network.Parameters[0].Values.ToArray().Any(v => v != 0f));
    }

    [Test]
    public void GroupAuc_OnScoredData_CountsGroups()
    {
        var scored = _model.Transform(_test);
        var gauc = _ml.MultiTask().GroupAuc(scored, Impressions.Click, nameof(Impression.User));
        Assert.That(gauc.GroupsUsed + gauc.GroupsSkipped, Is.EqualTo(40));
        Assert.That(gauc.Value, Is.GreaterThan(0.8).And.LessThanOrEqualTo(1.0));
    }

    public sealed class Prediction
    {
        [ColumnName("click.Score")] public float ClickScore { get; set; }
        [ColumnName("click.Probability")] public float ClickProbability { get; set; }
        [ColumnName("click.PredictedLabel")] public bool ClickLabel { get; set; }
        [ColumnName("watch.Score")] public float WatchScore { get; set; }
    }
}
