using MlNetMtl.Data;
using MlNetMtl.Data.Synthetic;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Training;

namespace MlNetMtl.Tests.Training;

public class TrainerBehaviourTests
{
    private static MultiTaskDataset Small(int rows, int seed, TaskKind? kind = null) =>
        new SyntheticTaskGenerator(new SyntheticTaskOptions { Dimension = 20, Kind = kind ?? TaskKind.Binary }).Generate(rows, seed);


    [Test]
    public void SameSeed_GivesBitIdenticalWeights_OtherSeedDoesNot()
    {
        var data = Small(3_000, 1);
        TrainerOptions Options(int seed) => new() { Epochs = 3, Seed = seed, BatchSize = 100 };
        var network = new SharedBottomOptions { BottomWidths = [33, 17], TowerWidths = [9], Dropout = 0.2f };
        var first = new MultiTaskTrainer(network, Options(7)).Fit(data).Network;
        var second = new MultiTaskTrainer(network, Options(7)).Fit(data).Network;
        var other = new MultiTaskTrainer(network, Options(8)).Fit(data).Network;
        Assert.That(TrainingHelpers.Bits(second), Is.EqualTo(TrainingHelpers.Bits(first)));
        Assert.That(TrainingHelpers.Bits(other), Is.Not.EqualTo(TrainingHelpers.Bits(first)));
    }

    [Test]
    public void EarlyStopping_StopsAfterPatience_AndRestoresTheBestEpoch()
    {
        // 150 noisy rows and a wide network overfit within a few epochs at this learning rate.
        var train = Small(150, 2);
        var validation = Small(2_000, 3);
        var trainer = new MultiTaskTrainer(new SharedBottomOptions { BottomWidths = [256, 128], TowerWidths = [64] },
            new TrainerOptions { Epochs = 200, LearningRate = 3e-3f, EarlyStoppingPatience = 4, BatchSize = 32 });
        var result = trainer.Fit(train, validation);

        var losses = result.Epochs.Select(e => e.MeanValidationLoss).ToArray();
        int best = Array.IndexOf(losses, losses.Min()) + 1;
        Assert.That(result.StoppedEarly, Is.True);
        Assert.That(result.Epochs, Has.Count.EqualTo(best + 4), "stops after `patience` epochs without improvement");
        Assert.That(result.BestEpoch, Is.EqualTo(best));

        double restored = MeanBinaryCrossEntropy(result.Network, validation);
        Assert.That(restored, Is.EqualTo(losses[best - 1]).Within(1e-5), "the returned weights are the best epoch's");
        Assert.That(Math.Abs(losses[^1] - losses[best - 1]), Is.GreaterThan(1e-3), "the last epoch differs, so the check above can fail");
    }

    private static double MeanBinaryCrossEntropy(MultiTaskNetwork network, MultiTaskDataset data)
    {
        var scores = TrainingHelpers.Scores(network, data);
        return Enumerable.Range(0, data.Tasks.Count).Average(t =>
            scores[t].Zip(data.Labels[t], (z, y) => Math.Max(z, 0) - (double)z * y + Math.Log(1 + Math.Exp(-Math.Abs((double)z)))).Average());
    }

    [Test]
    public void ProgressIsReportedEveryEpoch_WithPerTaskLosses()
    {
        var reports = new List<EpochReport>();
        var result = new MultiTaskTrainer(training: new TrainerOptions { Epochs = 3, EarlyStoppingPatience = 0 })
            .Fit(Small(500, 4), progress: new SynchronousProgress(reports.Add));
        Assert.That(reports.Select(r => r.Epoch), Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(reports.All(r => r.TrainingLoss.Count == 2 && r.ValidationLoss.Count == 2 && double.IsFinite(r.MeanValidationLoss)));
        Assert.That(reports[^1].TrainingLoss[0], Is.LessThan(reports[0].TrainingLoss[0]), "training loss falls");
        Assert.That(result.Epochs, Is.EqualTo(reports));
    }

    [Test]
    public void WithoutValidation_TrainsAllEpochs_AndKeepsTheLast()
    {
        var result = new MultiTaskTrainer(training: new TrainerOptions { Epochs = 2, ValidationFraction = 0 }).Fit(Small(300, 5));
        Assert.That(result.Epochs, Has.Count.EqualTo(2));
        Assert.That(result.BestEpoch, Is.EqualTo(2));
        Assert.That(result.Epochs.All(e => e.ValidationLoss.Count == 0 && double.IsNaN(e.MeanValidationLoss)));
    }

    [Test]
    public void Divergence_ThrowsNamingTheTaskAndTheLearningRate()
    {
        var data = Small(400, 6, TaskKind.Regression);
        var scaled = new MultiTaskDataset(data.Features, data.Tasks, data.Labels.Select(l => l.Select(v => v * 1e18f).ToArray()).ToArray());
        var trainer = new MultiTaskTrainer(training: new TrainerOptions { Epochs = 5, LearningRate = 10f, Optimizer = OptimizerKind.SgdMomentum });
        var error = Assert.Throws<InvalidOperationException>(() => trainer.Fit(scaled));
        Assert.That(error!.Message, Does.Contain("diverged").And.Contain("task 'task").And.Contain("LearningRate"));
    }

    [Test]
    public void BadTrainerOptions_AndMismatchedValidation_AreNamed()
    {
        Assert.That(() => new MultiTaskTrainer(training: new TrainerOptions { BatchSize = 0 }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("BatchSize"));
        Assert.That(() => new MultiTaskTrainer(training: new TrainerOptions { LearningRate = float.NaN }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("LearningRate"));
        Assert.That(() => new MultiTaskTrainer(training: new TrainerOptions { ValidationFraction = 1 }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("ValidationFraction"));
        var trainer = new MultiTaskTrainer(training: new TrainerOptions { Epochs = 1 });
        var wide = new SyntheticTaskGenerator(new SyntheticTaskOptions { Dimension = 30 }).Generate(50, 1);
        Assert.That(() => trainer.Fit(Small(50, 1), wide), Throws.ArgumentException.With.Message.Contains("width 30"));
        Assert.That(() => trainer.Fit(Small(50, 1, TaskKind.Binary), Small(50, 2, TaskKind.Regression)), Throws.ArgumentException.With.Message.Contains("Validation task 0"));
    }

    private sealed class SynchronousProgress(Action<EpochReport> report) : IProgress<EpochReport>
    {
        public void Report(EpochReport value) => report(value);
    }
}
