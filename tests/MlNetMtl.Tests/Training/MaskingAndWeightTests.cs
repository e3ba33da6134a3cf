using MlNetMtl.Data;
using MlNetMtl.Data.Synthetic;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Tests.Numerics;
using MlNetMtl.Training;

namespace MlNetMtl.Tests.Training;

public class MaskingAndWeightTests
{
    private static readonly SharedBottomOptions Small = new() { BottomWidths = [16], TowerWidths = [8] };

    /// <summary>One full-batch evaluation of the objective with gradients; returns every parameter's gradient.</summary>
    private static float[][] Gradients(MultiTaskNetwork network, MultiTaskDataset data)
    {
        var gatherer = new BatchGatherer(data, data.Rows);
        var workspace = network.CreateWorkspace(data.Rows);
        var batch = gatherer.Gather(Enumerable.Range(0, data.Rows).ToArray());
        var sums = new double[data.Tasks.Count];
        var weights = new double[data.Tasks.Count];
        Assert.That(MultiTaskObjective.Evaluate(network, batch, gatherer.LabelBuffers, gatherer.WeightBuffers, workspace, null, true, sums, weights, out _), Is.True);
        return network.Parameters.Select(p => p.Gradient.ToArray()).ToArray();
    }

    private static MultiTaskDataset Subset(MultiTaskDataset data, IReadOnlyList<int> rows)
    {
        var dense = (DenseFeatures)data.Features;
        var features = rows.SelectMany(r => dense.Row(r).ToArray()).ToArray();
        return new MultiTaskDataset(new DenseFeatures(features, rows.Count, dense.Dimension), data.Tasks,
            data.Labels.Select(l => rows.Select(r => l[r]).ToArray()).ToArray());
    }

    [Test]
    public void MaskedRows_GiveTheTaskTheGradientOfTheFilteredRows()
    {
        var full = new SyntheticTaskGenerator(new SyntheticTaskOptions { Dimension = 12 }).Generate(200, 1);
        var masked = new[] { 3, 8, 9, 50, 51, 52, 120, 199 };
        var task1 = full.Labels[0].Select((v, r) => masked.Contains(r) ? float.NaN : v).ToArray();
        var tasks = new[] { new TaskDefinition("task1", TaskKind.Regression, 1f, MissingLabelPolicy.Mask) };
        var withMissing = new MultiTaskDataset(full.Features, tasks, [task1]);
        var filtered = Subset(new MultiTaskDataset(full.Features, tasks, [full.Labels[0]]), Enumerable.Range(0, 200).Except(masked).ToArray());

        var a = Gradients(MultiTaskNetwork.Create(12, tasks, Small, seed: 3), withMissing);
        var b = Gradients(MultiTaskNetwork.Create(12, tasks, Small, seed: 3), filtered);
        for (int i = 0; i < a.Length; i++)
            Reference.AssertClose(a[i], b[i].Select(v => (double)v).ToArray(), 1e-4, 1e-6, $"parameter {i}");
    }

    [Test]
    public void MaskedTask_LeavesTheOtherTasksRowsInTraining()
    {
        var data = new SyntheticTaskGenerator(new SyntheticTaskOptions { Dimension = 12, Kind = TaskKind.Binary }).Generate(6000, 2);
        var sparseLabels = data.Labels[1].Select((v, r) => r % 3 == 0 ? v : float.NaN).ToArray(); // task2 labelled on a third of the rows
        var tasks = new[] { data.Tasks[0], new TaskDefinition("task2", TaskKind.Binary, 1f, MissingLabelPolicy.Mask) };
        var result = new MultiTaskTrainer(new SharedBottomOptions { BottomWidths = [64, 32], TowerWidths = [16] }, new TrainerOptions { Epochs = 40, LearningRate = 3e-3f }).Fit(new MultiTaskDataset(data.Features, tasks, [data.Labels[0], sparseLabels]));
        Assert.That(result.Epochs.All(e => e.TrainingLoss.All(double.IsFinite) && double.IsFinite(e.MeanValidationLoss)));
        var test = new SyntheticTaskGenerator(new SyntheticTaskOptions { Dimension = 12, Kind = TaskKind.Binary }).Generate(1000, 3);
        var scores = TrainingHelpers.Scores(result.Network, test);
        TestContext.Out.WriteLine($"AUC task1 {MlNetMtl.Evaluation.RankingMetrics.Auc(scores[0], test.Labels[0])} task2 {MlNetMtl.Evaluation.RankingMetrics.Auc(scores[1], test.Labels[1])}");
        Assert.That(MlNetMtl.Evaluation.RankingMetrics.Auc(scores[1], test.Labels[1]), Is.GreaterThan(0.85));
    }

    [Test]
    public void IntegerRowWeights_EqualDuplicatedRows()
    {
        var data = new SyntheticTaskGenerator(new SyntheticTaskOptions { Dimension = 10, Kind = TaskKind.Binary }).Generate(60, 4);
        var weights = Enumerable.Range(0, 60).Select(r => (float)(r % 3)).ToArray(); // 0, 1, 2, 0, 1, 2, …
        var weighted = new MultiTaskDataset(data.Features, data.Tasks, data.Labels, rowWeights: weights);
        var duplicated = Subset(data, Enumerable.Range(0, 60).SelectMany(r => Enumerable.Repeat(r, r % 3)).ToArray());

        var a = Gradients(MultiTaskNetwork.Create(10, data.Tasks, Small, seed: 5), weighted);
        var b = Gradients(MultiTaskNetwork.Create(10, data.Tasks, Small, seed: 5), duplicated);
        for (int i = 0; i < a.Length; i++)
            Reference.AssertClose(a[i], b[i].Select(v => (double)v).ToArray(), 1e-4, 1e-6, $"parameter {i}");
    }

    [Test]
    public void TaskWeights_ApplyToTheirTaskOnly()
    {
        var data = new SyntheticTaskGenerator(new SyntheticTaskOptions { Dimension = 10 }).Generate(40, 6);
        var zeroTask2 = new MultiTaskDataset(data.Features, data.Tasks, data.Labels, taskWeights: [null, Enumerable.Repeat(0f, 20).Concat(Enumerable.Repeat(1f, 20)).ToArray()]);
        Assert.That(zeroTask2.Weight(0, 3), Is.EqualTo(1f));
        Assert.That(zeroTask2.Weight(1, 3), Is.EqualTo(0f));
        Assert.That(zeroTask2.Weight(1, 30), Is.EqualTo(1f));
    }

    [Test]
    public void BadWeightsAndAllMissingLabels_AreNamed()
    {
        var data = new SyntheticTaskGenerator(new SyntheticTaskOptions { Dimension = 4 }).Generate(5, 7);
        Assert.That(() => new MultiTaskDataset(data.Features, data.Tasks, data.Labels, rowWeights: [1, 1, -1, 1, 1]), Throws.ArgumentException.With.Message.Contains("row 2 has weight -1"));
        Assert.That(() => new MultiTaskDataset(data.Features, data.Tasks, data.Labels, rowWeights: [1, 1]), Throws.ArgumentException.With.Message.Contains("2 values but there are 5 rows"));
        var allMissing = Enumerable.Repeat(float.NaN, 5).ToArray();
        Assert.That(() => new MultiTaskDataset(data.Features, [new TaskDefinition("t", TaskKind.Regression, 1f, MissingLabelPolicy.Mask)], [allMissing]),
            Throws.ArgumentException.With.Message.Contains("'t' has no labelled row"));
        Assert.That(() => new MultiTaskDataset(data.Features, [new TaskDefinition("t", TaskKind.Regression)], [allMissing]),
            Throws.ArgumentException.With.Message.Contains("row 0").And.Message.Contains("mask missing labels"));
    }
}
