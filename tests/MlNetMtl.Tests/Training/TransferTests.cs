using MlNetMtl.Data;
using MlNetMtl.Data.Synthetic;
using MlNetMtl.Evaluation;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Training;

namespace MlNetMtl.Tests.Training;

public class TransferTests
{
    private static readonly SyntheticTaskGenerator Generator = new(new SyntheticTaskOptions { Dimension = 16, Kind = TaskKind.Binary });
    private static readonly SharedBottomOptions Network = new() { BottomWidths = [32, 16], TowerWidths = [8] };

    private static MultiTaskDataset OnlyTask1(MultiTaskDataset data) => new(data.Features, [data.Tasks[0]], [data.Labels[0]]);

    [Test]
    public void FreezingTheSharedLayers_KeepsThemBitIdentical_WhileTowersFineTune()
    {
        var first = new MultiTaskTrainer(Network, new TrainerOptions { Epochs = 3 }).Fit(Generator.Generate(3000, 1)).Network;
        var tuned = new MultiTaskTrainer(Network, new TrainerOptions { Epochs = 3, WarmStart = first, Freeze = FreezeMode.Shared, Seed = 9 })
            .Fit(Generator.Generate(3000, 2)).Network;
        foreach (var (before, after) in first.Parameters.Zip(tuned.Parameters))
        {
            bool shared = before.Name.StartsWith("bottom.", StringComparison.Ordinal);
            Assert.That(after.Values.ToArray().SequenceEqual(before.Values.ToArray()), Is.EqualTo(shared), before.Name);
        }
    }

    [Test]
    public void AddingATask_WithTheInheritedWeightsFrozen_LeavesTheOldTaskUnchanged()
    {
        var data = Generator.Generate(6000, 3);
        var single = new MultiTaskTrainer(Network, new TrainerOptions { Epochs = 4 }).Fit(OnlyTask1(data)).Network;
        var both = new MultiTaskTrainer(Network, new TrainerOptions { Epochs = 6, WarmStart = single, Freeze = FreezeMode.WarmStarted, LearningRate = 3e-3f }).Fit(data).Network;

        var test = Generator.Generate(2000, 4);
        var before = TrainingHelpers.Scores(single, OnlyTask1(test))[0];
        var after = TrainingHelpers.Scores(both, test);
        Assert.That(after[0], Is.EqualTo(before), "task1's predictions are bit-identical");
        Assert.That(RankingMetrics.Auc(after[1], test.Labels[1]), Is.GreaterThan(0.8), "the new task learns on the frozen shared layers");
    }

    [Test]
    public void WarmStart_ContinuesFromTheSavedWeights()
    {
        var data = Generator.Generate(4000, 5);
        var trained = new MultiTaskTrainer(Network, new TrainerOptions { Epochs = 8 }).Fit(data);
        var continued = new MultiTaskTrainer(Network, new TrainerOptions { Epochs = 1, WarmStart = trained.Network }).Fit(data);
        var scratch = new MultiTaskTrainer(Network, new TrainerOptions { Epochs = 1 }).Fit(data);
        double Loss(TrainingResult r) => r.Epochs[0].TrainingLoss.Average();
        Assert.That(Loss(continued), Is.LessThan(Loss(scratch) * 0.8));
        Assert.That(Loss(continued), Is.LessThan(trained.Epochs[0].TrainingLoss.Average()));
    }

    [Test]
    public void WarmStart_FromAnotherArchitectureOrWidth_IsRejected()
    {
        var data = Generator.Generate(200, 6);
        var mmoe = new MultiTaskTrainer(new MmoeOptions { ExpertCount = 2 }, new TrainerOptions { Epochs = 1 }).Fit(data).Network;
        Assert.That(() => new MultiTaskTrainer(Network, new TrainerOptions { Epochs = 1, WarmStart = mmoe }).Fit(data), Throws.ArgumentException.With.Message.Contains("MMoE"));
        var wide = new MultiTaskTrainer(Network, new TrainerOptions { Epochs = 1 }).Fit(new SyntheticTaskGenerator(new SyntheticTaskOptions { Dimension = 20, Kind = TaskKind.Binary }).Generate(200, 7)).Network;
        Assert.That(() => new MultiTaskTrainer(Network, new TrainerOptions { Epochs = 1, WarmStart = wide }).Fit(data), Throws.ArgumentException.With.Message.Contains("20 features"));
        Assert.That(() => new MultiTaskTrainer(Network, new TrainerOptions { Freeze = FreezeMode.WarmStarted }), Throws.ArgumentException.With.Message.Contains("WarmStart"));
    }
}
