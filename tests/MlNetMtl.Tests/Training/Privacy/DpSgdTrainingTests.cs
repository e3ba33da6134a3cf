using MlNetMtl.Data;
using MlNetMtl.Data.Synthetic;
using MlNetMtl.Evaluation;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Training;
using MlNetMtl.Training.Privacy;
using MlNetMtl.Training.Weighting;

namespace MlNetMtl.Tests.Training.Privacy;

/// <summary>DP-SGD end to end through <see cref="MultiTaskTrainer"/>: utility, the guarantee reported, determinism and what combines with it.</summary>
public class DpSgdTrainingTests
{
    private static readonly SyntheticTaskGenerator Generator = new(new SyntheticTaskOptions { Dimension = 40, Correlation = 0.9, Kind = TaskKind.Binary });

    private static TrainerOptions Private(double epsilon, int epochs = 4, LossWeighting? weighting = null, string unit = "example") => new()
    {
        Epochs = epochs, BatchSize = 128, Seed = 3, Threads = 1, EarlyStoppingPatience = 0,
        Weighting = weighting ?? new FixedWeighting(),
        Privacy = new PrivacyOptions { Epsilon = epsilon, Unit = unit },
    };

    [Test]
    public void Mmoe_AtEpsilon3_LearnsAndReportsTheGuaranteeSpent()
    {
        var train = Generator.Generate(8_000, seed: 1);
        var test = Generator.Generate(2_000, seed: 2);
        // DP-SGD's noisy steps took a larger step size here (3e-3: AUC 0.96 / 0.95; the default 1e-3: 0.78 / 0.72); on Adult both do as well.
        var options = Private(3) with { LearningRate = 3e-3f };
        var result = new MultiTaskTrainer(new MmoeOptions { ExpertCount = 3, ExpertWidths = [16], TowerWidths = [8] }, options).Fit(train);

        var privacy = result.Privacy!;
        Assert.That(privacy.Epsilon, Is.LessThanOrEqualTo(3.0).And.GreaterThan(2.9), "all planned steps ran, so the target is spent");
        Assert.That(privacy.Delta, Is.EqualTo(1.0 / (10 * 7_200)).Within(1e-12), "δ defaults to 1/(10·rows) of the 7,200 training rows");
        Assert.That(privacy.Units, Is.EqualTo(7_200));
        Assert.That(privacy.SamplingRate, Is.EqualTo(128.0 / 7_200).Within(1e-12));
        Assert.That(privacy.Steps, Is.EqualTo(4 * 57), "⌈1/q⌉ = 57 steps an epoch");
        Assert.That(privacy.Epsilon, Is.EqualTo(RdpAccountant.EpsilonFor(privacy.SamplingRate, privacy.NoiseMultiplier, privacy.Steps, privacy.Delta)).Within(1e-9));
        var epsilons = result.Epochs.Select(e => e.Privacy!.Epsilon).ToArray();
        Assert.That(epsilons, Is.Ordered.Ascending);
        Assert.That(epsilons[^1], Is.EqualTo(privacy.Epsilon));

        var plain = new MultiTaskTrainer(new MmoeOptions { ExpertCount = 3, ExpertWidths = [16], TowerWidths = [8] }, options with { Privacy = new() }).Fit(train);
        var scores = TrainingHelpers.Scores(result.Network, test);
        var plainScores = TrainingHelpers.Scores(plain.Network, test);
        for (int t = 0; t < 2; t++)
        {
            double auc = RankingMetrics.Auc(scores[t], test.Labels[t]), plainAuc = RankingMetrics.Auc(plainScores[t], test.Labels[t]);
            TestContext.Out.WriteLine($"{test.Tasks[t].Name}: AUC {auc:F4} at ε = {privacy.Epsilon:F2} (σ = {privacy.NoiseMultiplier:F3}); {plainAuc:F4} without DP");
            Assert.That(auc, Is.GreaterThan(0.85).And.GreaterThan(plainAuc - 0.08), test.Tasks[t].Name);
        }
    }

    [Test]
    public void MoreNoise_CostsUtility_AndAGivenSigmaReportsItsEpsilon()
    {
        var train = Generator.Generate(4_000, seed: 5);
        var test = Generator.Generate(2_000, seed: 6);
        double Auc(double sigma)
        {
            var options = Private(1) with { Privacy = new PrivacyOptions { NoiseMultiplier = sigma }, Epochs = 3 };
            var result = new MultiTaskTrainer(new SharedBottomOptions { BottomWidths = [16], TowerWidths = [8] }, options).Fit(train);
            Assert.That(result.Privacy!.NoiseMultiplier, Is.EqualTo(sigma));
            Assert.That(result.Privacy.Epsilon, Is.EqualTo(sigma == 0 ? double.PositiveInfinity
                : RdpAccountant.EpsilonFor(result.Privacy.SamplingRate, sigma, result.Privacy.Steps, result.Privacy.Delta)));
            return RankingMetrics.Auc(TrainingHelpers.Scores(result.Network, test)[0], test.Labels[0]);
        }
        double clean = Auc(0), noisy = Auc(20);
        TestContext.Out.WriteLine($"AUC with σ = 0: {clean:F4}; σ = 20: {noisy:F4}");
        Assert.That(clean, Is.GreaterThan(noisy + 0.05));
    }

    [Test]
    public void FixedSeed_GivesTheSameWeights_WhateverTheThreadCount_AndSecureNoiseDoesNot()
    {
        var train = Generator.Generate(1_500, seed: 7);
        float[][] Weights(int threads, bool secure)
        {
            var options = Private(2, epochs: 2) with { Threads = threads, Privacy = new PrivacyOptions { Epsilon = 2, SecureNoise = secure } };
            var network = new MultiTaskTrainer(new MmoeOptions { ExpertCount = 2, ExpertWidths = [8], TowerWidths = [4] }, options).Fit(train).Network;
            return network.Parameters.Select(p => p.Values.ToArray()).ToArray();
        }
        var first = Weights(1, secure: false);
        Assert.That(Weights(1, secure: false), Is.EqualTo(first), "same seed, same bits");
        Assert.That(Weights(2, secure: false), Is.EqualTo(first), "DP-SGD runs on one thread, so the thread count changes nothing");
        Assert.That(Weights(1, secure: true), Is.Not.EqualTo(first), "secure noise is not seeded");
    }

    [Test]
    public void UserLevel_SamplesAndCountsUsers()
    {
        var train = Generator.Generate(3_000, seed: 8);
        var users = Enumerable.Range(0, train.Rows).Select(r => r % 150).ToArray();
        var withUsers = new MultiTaskDataset(train.Features, train.Tasks, train.Labels) { Users = users };
        var result = new MultiTaskTrainer(new SharedBottomOptions { BottomWidths = [16] }, Private(4, epochs: 2, unit: "user:uid")).Fit(withUsers);
        Assert.That(result.Privacy!.Unit, Is.EqualTo("user:uid"));
        Assert.That(result.Privacy.Units, Is.EqualTo(150), "every user has training rows");
        Assert.That(result.Privacy.Delta, Is.EqualTo(1.0 / 1_500).Within(1e-12), "δ defaults to 1/(10·users)");
        Assert.That(result.Privacy.Epsilon, Is.LessThanOrEqualTo(4.0));

        Assert.That(() => new MultiTaskTrainer(training: Private(4, unit: "user:uid")).Fit(train),
            Throws.ArgumentException.With.Message.Contains("needs each row's user").And.Message.Contains("'uid'"));
    }

    [TestCase("fixed")]
    [TestCase("uncertainty")]
    [TestCase("dwa")]
    [TestCase("rlw")]
    [TestCase("validation")]
    public void LossWeightings_ThatNeedNoPerTaskGradients_TrainUnderDp(string weighting)
    {
        var train = Generator.Generate(2_000, seed: 9);
        var result = new MultiTaskTrainer(new SharedBottomOptions { BottomWidths = [16] }, Private(3, epochs: 3, LossWeighting.Create(weighting))).Fit(train);
        Assert.That(result.Privacy!.Epsilon, Is.LessThanOrEqualTo(3.0));
        Assert.That(result.Network.Parameters.SelectMany(p => p.Values.ToArray()).All(float.IsFinite), Is.True);
    }

    [TestCase("gradnorm")]
    [TestCase("pcgrad")]
    [TestCase("mgda")]
    [TestCase("cagrad")]
    public void GradientSurgery_IsRefusedUnderDp_SayingWhy(string weighting) =>
        Assert.That(() => new MultiTaskTrainer(training: Private(3, weighting: LossWeighting.Create(weighting))),
            Throws.ArgumentException.With.Message.Contains($"'{weighting}' weighting combines per-task gradients").And.Message.Contains("DP-SGD never forms"));

    [Test]
    public void BadPrivacySettings_AreRefused_NamingTheSetting()
    {
        Assert.That(() => new MultiTaskTrainer(training: Private(0)), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("target ε must be finite and > 0"));
        Assert.That(() => new MultiTaskTrainer(training: Private(1) with { Privacy = new PrivacyOptions { Epsilon = 1, ClipNorm = 0 } }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("Privacy.ClipNorm"));
        Assert.That(() => new MultiTaskTrainer(training: Private(1) with { Privacy = new PrivacyOptions { Epsilon = 1, Unit = "person" } }),
            Throws.ArgumentException.With.Message.Contains("neither 'example' nor 'user:COLUMN'"));
        var train = Generator.Generate(500, seed: 10);
        Assert.That(() => new MultiTaskTrainer(training: Private(1) with { Privacy = new PrivacyOptions { Epsilon = 1, Delta = 1.0 / 400 } }).Fit(train),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("must be below 1/450"));
        Assert.That(() => new MultiTaskTrainer(training: Private(1) with { Imbalance = new Dictionary<string, TaskImbalance> { ["task1"] = new() { AutoPositiveWeight = true } } }).Fit(train),
            Throws.ArgumentException.With.Message.Contains("automatic positive weight is computed from the training labels"));
    }

    [Test]
    public void StreamingTraining_IsRefused_BecauseSamplingNeedsEveryRow()
    {
        var train = Generator.Generate(600, seed: 11);
        Assert.That(() => new MultiTaskTrainer(training: Private(1)).Fit(new DatasetRowStream(train), shuffleBufferRows: 100),
            Throws.ArgumentException.With.Message.Contains("DP-SGD samples each step from all training rows"));
    }
}
