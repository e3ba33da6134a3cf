using Microsoft.ML;
using MlNetMtl.Data;
using MlNetMtl.Data.Synthetic;
using MlNetMtl.Evaluation;
using MlNetMtl.MLNet;

namespace MlNetMtl.Tests.MLNet;

public class EvaluationTests
{
    [Test]
    public void EvaluatorNumbers_EqualAnIndependentComputation()
    {
        var ml = new MLContext(seed: 1);
        var data = new SyntheticTaskGenerator(new SyntheticTaskOptions { Dimension = 10, Kind = TaskKind.Binary }).Generate(3000, 1);
        var regression = new SyntheticTaskGenerator(new SyntheticTaskOptions { Dimension = 10 }).Generate(3000, 1);
        var view = new DatasetDataView(data);
        var model = ml.MultiTask().Network(new MultiTaskNetworkTrainerOptions { Tasks = view.Tasks, Training = new() { Epochs = 3 } }).Fit(view);
        var scored = model.Transform(view);
        var metrics = ml.MultiTask().Evaluate(scored, model);

        var scores = Impressions.Column(scored, "task1.Score");
        Assert.That(metrics["task1"].Binary!.AreaUnderRocCurve, Is.EqualTo(RankingMetrics.Auc(scores, data.Labels[0])).Within(1e-9));
        double accuracy = scores.Zip(data.Labels[0], (s, y) => (s > 0 ? 1f : 0f) == y ? 1.0 : 0.0).Average();
        Assert.That(metrics["task1"].Binary!.Accuracy, Is.EqualTo(accuracy).Within(1e-9));

        var regressionView = new DatasetDataView(regression);
        var regressionModel = ml.MultiTask().Network(new MultiTaskNetworkTrainerOptions { Tasks = regressionView.Tasks, Training = new() { Epochs = 3 } }).Fit(regressionView);
        var regressionScored = regressionModel.Transform(regressionView);
        var values = Impressions.Column(regressionScored, "task2.Score");
        double rmse = Math.Sqrt(values.Zip(regression.Labels[1], (p, y) => ((double)p - y) * ((double)p - y)).Average());
        Assert.That(ml.MultiTask().Evaluate(regressionScored, regressionModel)["task2"].Regression!.RootMeanSquaredError, Is.EqualTo(rmse).Within(1e-6 * rmse));
    }

    [Test]
    public void GroupAuc_HandMadeExample()
    {
        // user a: scores order both positives above the negative → AUC 1 (3 rows);
        // user b: each positive is above one negative and below the other → AUC 0.5 (4 rows);
        // user c: only positives → skipped. GAUC = (3·1 + 4·0.5) / 7 = 5/7.
        var rows = new[]
        {
            new Scored("a", 0.9f, true), new Scored("a", 0.8f, true), new Scored("a", 0.1f, false),
            new Scored("b", 0.4f, true), new Scored("b", 0.6f, false), new Scored("b", 0.5f, true), new Scored("b", 0.2f, false),
            new Scored("c", 0.3f, true),
        };
        var ml = new MLContext();
        var result = ml.MultiTask().GroupAuc(ml.Data.LoadFromEnumerable(rows), new TaskColumn("click", nameof(Scored.Label)), nameof(Scored.User));
        Assert.That(result.Value, Is.EqualTo(5.0 / 7).Within(1e-12));
        Assert.That(result.GroupsUsed, Is.EqualTo(2));
        Assert.That(result.GroupsSkipped, Is.EqualTo(1));
        Assert.That(result.RowsUsed, Is.EqualTo(7));
    }

    [Test]
    public void Evaluate_MissingScoreColumn_IsNamed()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(Impressions.Generate(10, 1));
        Assert.That(() => ml.MultiTask().Evaluate(data, [Impressions.Click]), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("'click.Score'"));
    }

    public sealed class Scored(string user, float score, bool label)
    {
        public string User { get; set; } = user;
        [Microsoft.ML.Data.ColumnName("click.Score")] public float Score { get; set; } = score;
        public bool Label { get; set; } = label;
    }
}
