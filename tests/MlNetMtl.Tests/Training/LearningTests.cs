using MlNetMtl.Data;
using MlNetMtl.Data.Synthetic;
using MlNetMtl.Evaluation;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Training;

namespace MlNetMtl.Tests.Training;

public class LearningTests
{
    [Test]
    public void BinaryTasks_OnGeneratedData_ReachHeldOutAucAbove090()
    {
        var generator = new SyntheticTaskGenerator(new SyntheticTaskOptions { Dimension = 100, Correlation = 0.9, Kind = TaskKind.Binary });
        var train = generator.Generate(20_000, seed: 11);
        var test = generator.Generate(5_000, seed: 12);
        var result = new MultiTaskTrainer(training: new TrainerOptions { Epochs = 15 }).Fit(train);

        var scores = TrainingHelpers.Scores(result.Network, test);
        for (int t = 0; t < 2; t++)
        {
            double auc = RankingMetrics.Auc(scores[t], test.Labels[t]);
            TestContext.Out.WriteLine($"{test.Tasks[t].Name}: held-out AUC {auc:F4} (best epoch {result.BestEpoch})");
            Assert.That(auc, Is.GreaterThanOrEqualTo(0.90), test.Tasks[t].Name);
        }
    }

    [TestCase(OptimizerKind.Adam, 1e-3f)]
    [TestCase(OptimizerKind.SgdMomentum, 1e-2f)]
    public void RegressionTasks_LowerHeldOutMseWellBelowLabelVariance(OptimizerKind optimizer, float learningRate)
    {
        var generator = new SyntheticTaskGenerator(new SyntheticTaskOptions { Dimension = 100, Correlation = 0.9 });
        var train = generator.Generate(10_000, seed: 21);
        var test = generator.Generate(2_000, seed: 22);
        var result = new MultiTaskTrainer(new SharedBottomOptions { BottomWidths = [128, 64], TowerWidths = [32] },
            new TrainerOptions { Epochs = 15, Optimizer = optimizer, LearningRate = learningRate }).Fit(train);

        var scores = TrainingHelpers.Scores(result.Network, test);
        for (int t = 0; t < 2; t++)
        {
            double mse = TrainingHelpers.MeanSquaredError(scores[t], test.Labels[t]), variance = TrainingHelpers.Variance(test.Labels[t]);
            TestContext.Out.WriteLine($"{optimizer} {test.Tasks[t].Name}: held-out MSE {mse:F4}, label variance {variance:F4}");
            Assert.That(mse, Is.LessThan(0.2 * variance), test.Tasks[t].Name);
        }
    }

    [Test]
    public void SparseOneHotInputs_LearnPerIdEffects_AndLeaveUnseenRowsUntouched()
    {
        // Each row holds one "user id" of 50,000 and one "item id" of 1,000 (one-hot, as hashing produces); task a is
        // a property of the user, task b of the item. Ids ≥ 40,000 never occur, so their weight rows must not move.
        const int users = 50_000, seenUsers = 2_000, items = 1_000, rows = 30_000, dimension = users + items;
        var random = new Random(5);
        var starts = new int[rows + 1];
        var indices = new int[rows * 2];
        var values = Enumerable.Repeat(1f, rows * 2).ToArray();
        float[] a = new float[rows], b = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            int user = random.Next(seenUsers) * (users / seenUsers / 2), item = random.Next(items);
            indices[2 * r] = user;
            indices[2 * r + 1] = users + item;
            starts[r + 1] = 2 * (r + 1);
            a[r] = (user / 25) % 3 == 0 ? 1f : 0f;
            b[r] = item % 2 == 0 ? 1f : 0f;
        }
        var data = new MultiTaskDataset(new SparseFeatures(starts, indices, values, dimension),
            [new TaskDefinition("a", TaskKind.Binary), new TaskDefinition("b", TaskKind.Binary)], [a, b]);
        var trainer = new MultiTaskTrainer(new SharedBottomOptions { BottomWidths = [32], TowerWidths = [16] },
            new TrainerOptions { Epochs = 8, LearningRate = 1e-2f, ValidationFraction = 0.2, ForgetUnseenSlots = false }); // the optimizer's own untouched rows
        var initial = MultiTaskNetwork.Create(dimension, data.Tasks, new SharedBottomOptions { BottomWidths = [32], TowerWidths = [16] }, 42, data.Features.MeanValuesPerRow);

        var result = trainer.Fit(data);

        var scores = TrainingHelpers.Scores(result.Network, data);
        Assert.That(RankingMetrics.Auc(scores[0], a), Is.GreaterThan(0.95), "user task");
        Assert.That(RankingMetrics.Auc(scores[1], b), Is.GreaterThan(0.95), "item task");
        var unseen = result.Network.Parameters[0].Values.Slice(40_000 * 32, 32).ToArray();
        Assert.That(unseen, Is.EqualTo(initial.Parameters[0].Values.Slice(40_000 * 32, 32).ToArray()), "a never-seen input row keeps its initial weights");
    }
}
