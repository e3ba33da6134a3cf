using MlNetMtl.Data;
using MlNetMtl.Data.Synthetic;
using MlNetMtl.Evaluation;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Training;

namespace MlNetMtl.Tests.Training;

public class OptimisationExtrasTests
{
    [Test]
    public void Schedule_WarmsUpLinearly_ThenDecays()
    {
        var warmup = new LearningRateSchedule { WarmupSteps = 4 };
        Assert.That(Enumerable.Range(0, 6).Select(s => warmup.At(s, 1, 100, 1f)), Is.EqualTo(new[] { 0.25f, 0.5f, 0.75f, 1f, 1f, 1f }));
        var step = new LearningRateSchedule { Decay = LearningRateDecay.Step, StepEpochs = 2, StepFactor = 0.5f };
        Assert.That(new[] { 1, 2, 3, 4, 5 }.Select(e => step.At(1000, e, 10_000, 0.1f)), Is.EqualTo(new[] { 0.1f, 0.1f, 0.05f, 0.05f, 0.025f }).Within(1e-7f));
        var cosine = new LearningRateSchedule { Decay = LearningRateDecay.Cosine, WarmupSteps = 10 };
        Assert.That(cosine.At(10, 1, 110, 1f), Is.EqualTo(1f).Within(1e-6));
        Assert.That(cosine.At(60, 1, 110, 1f), Is.EqualTo(0.5f).Within(1e-6));
        Assert.That(cosine.At(110, 1, 110, 1f), Is.EqualTo(0f).Within(1e-6));
        Assert.That(() => new MultiTaskTrainer(training: new TrainerOptions { Schedule = new LearningRateSchedule { StepFactor = 2 } }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("StepFactor"));
    }

    [Test]
    public void Clipping_BoundsTheGlobalNorm_AndKeepsSmallGradients()
    {
        var network = MultiTaskNetwork.Create(6, [new TaskDefinition("a", TaskKind.Binary)], new SharedBottomOptions { BottomWidths = [5], TowerWidths = [] });
        var random = new Random(1);
        foreach (var parameter in network.Parameters)
            for (int i = 0; i < parameter.Gradient.Length; i++)
                parameter.Gradient[i] = (float)(random.NextDouble() * 2 - 1);
        double Norm() => Math.Sqrt(network.Parameters.Sum(p => p.Gradient.Sum(g => (double)g * g)));
        double before = Norm();
        Assert.That(GradientClipping.Clip(network.Parameters, 0.5f), Is.EqualTo(before).Within(1e-4));
        Assert.That(Norm(), Is.EqualTo(0.5).Within(1e-5));
        var kept = network.Parameters.Select(p => p.Gradient.ToArray()).ToArray();
        GradientClipping.Clip(network.Parameters, 10f);
        Assert.That(network.Parameters.Select(p => p.Gradient.ToArray()), Is.EqualTo(kept), "a norm under the limit is left alone");
    }

    [Test]
    public void ClippedSgdStep_MovesTheWeightsNoFurtherThanRateTimesLimit()
    {
        var data = new SyntheticTaskGenerator(new SyntheticTaskOptions { Dimension = 10 }).Generate(64, 1);
        var trainer = new MultiTaskTrainer(new SharedBottomOptions { BottomWidths = [8] },
            new TrainerOptions { Epochs = 1, BatchSize = 64, ValidationFraction = 0, Optimizer = OptimizerKind.SgdMomentum, Momentum = 0, LearningRate = 0.1f, GradientClipNorm = 0.01f, Seed = 3 });
        var initial = MultiTaskNetwork.Create(10, data.Tasks, new SharedBottomOptions { BottomWidths = [8] }, seed: 3);
        var trained = trainer.Fit(data).Network;
        double moved = Math.Sqrt(trained.Parameters.Zip(initial.Parameters).Sum(p => p.First.Values.ToArray().Zip(p.Second.Values.ToArray(), (a, b) => (double)(a - b) * (a - b)).Sum()));
        Assert.That(moved, Is.GreaterThan(0).And.LessThanOrEqualTo(0.1 * 0.01 * 1.0001));
    }

    [Test]
    public void EarlyStoppingOnATasksAuc_KeepsTheEpochWithTheBestValidationAuc()
    {
        var generator = new SyntheticTaskGenerator(new SyntheticTaskOptions { Dimension = 20, Kind = TaskKind.Binary });
        var train = generator.Generate(300, 1);
        var validation = generator.Generate(2000, 2);
        var result = new MultiTaskTrainer(new SharedBottomOptions { BottomWidths = [128, 64] },
            new TrainerOptions { Epochs = 40, LearningRate = 3e-3f, BatchSize = 32, EarlyStoppingTask = "task2", EarlyStoppingPatience = 5 }).Fit(train, validation);
        var aucs = result.Epochs.Select(e => e.ValidationMetric).ToArray();
        Assert.That(result.BestEpoch, Is.EqualTo(Array.IndexOf(aucs, aucs.Max()) + 1));
        var scores = TrainingHelpers.Scores(result.Network, validation);
        Assert.That(RankingMetrics.Auc(scores[1], validation.Labels[1]), Is.EqualTo(aucs.Max()).Within(1e-9));
        Assert.That(() => new MultiTaskTrainer(training: new TrainerOptions { EarlyStoppingTask = "nope" }).Fit(train),
            Throws.ArgumentException.With.Message.Contains("'nope' is not one of the tasks"));
    }
}
