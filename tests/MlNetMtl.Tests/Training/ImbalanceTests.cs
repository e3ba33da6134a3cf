using MlNetMtl.Data;
using MlNetMtl.Evaluation;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Numerics;
using MlNetMtl.Tests.Numerics;
using MlNetMtl.Training;

namespace MlNetMtl.Tests.Training;

public class ImbalanceTests
{
    [TestCase(2f, null)]
    [TestCase(0.5f, 0.25f)]
    [TestCase(0f, 0.8f)]
    public void FocalLoss_GradientMatchesFiniteDifferences(float gamma, float? alpha)
    {
        float[] z = [-6f, -1.5f, -0.2f, 0f, 0.3f, 2f, 7f, 1f];
        float[] y = [0f, 1f, 0f, 1f, 1f, 0f, 1f, 0f];
        float[] w = [1f, 2f, 0.5f, 1f, 1f, 1f, 3f, 0f];
        var gradient = new float[z.Length];
        FocalLoss.Evaluate(z, y, w, gradient, gamma, alpha);
        for (int i = 0; i < z.Length; i++)
        {
            double Loss(double value)
            {
                float[] shifted = (float[])z.Clone();
                shifted[i] = (float)value;
                return FocalLoss.Evaluate(shifted, y, w, new float[z.Length], gamma, alpha);
            }
            double numeric = (Loss(z[i] + 1e-2) - Loss(z[i] - 1e-2)) / 2e-2;
            Assert.That(gradient[i], Is.EqualTo(numeric).Within(1e-3 + 1e-3 * Math.Abs(numeric)), $"row {i}");
        }
    }

    [Test]
    public void FocalLoss_WithGammaZeroAndNoAlpha_IsCrossEntropy()
    {
        var z = Reference.Random(33, 1, 5f);
        var y = Reference.Random(33, 2).Select(v => v > 0 ? 1f : 0f).ToArray();
        var w = Enumerable.Repeat(1f, 33).ToArray();
        float[] focal = new float[33], bce = new float[33];
        double a = FocalLoss.Evaluate(z, y, w, focal, 0f, null);
        double b = Losses.BinaryCrossEntropyWithLogits(z, y, w, bce);
        Assert.That(a, Is.EqualTo(b).Within(1e-4));
        Reference.AssertClose(focal, bce.Select(v => (double)v).ToArray(), 1e-5, 1e-6, "gradient");
    }

    /// <summary>A 2% positive binary task: positive when two features are both large.</summary>
    private static MultiTaskDataset Rare(int rows, int seed)
    {
        var random = new Random(seed);
        var features = new float[rows * 8];
        var labels = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < 8; i++)
                features[r * 8 + i] = (float)MathNet.Numerics.Distributions.Normal.Sample(random, 0, 1);
            double score = features[r * 8] + features[r * 8 + 1] + 0.5 * MathNet.Numerics.Distributions.Normal.Sample(random, 0, 1);
            labels[r] = score > 2.9 ? 1f : 0f;
        }
        return new MultiTaskDataset(new DenseFeatures(features, rows, 8), [new TaskDefinition("rare", TaskKind.Binary)], [labels]);
    }

    private static (double Auc, double Recall, double MeanProbability) Measure(MultiTaskNetwork network, MultiTaskDataset test)
    {
        var scores = TrainingHelpers.Scores(network, test)[0];
        var labels = test.Labels[0];
        double recall = scores.Zip(labels).Where(p => p.Second == 1f).Average(p => p.First > 0 ? 1.0 : 0.0);
        double meanProbability = scores.Average(s => 1 / (1 + Math.Exp(-s)));
        return (RankingMetrics.Auc(scores, labels), recall, meanProbability);
    }

    private static MultiTaskNetwork Train(MultiTaskDataset data, TaskImbalance? imbalance, int epochs = 8) =>
        new MultiTaskTrainer(new SharedBottomOptions { BottomWidths = [32], TowerWidths = [16] }, new TrainerOptions
        {
            Epochs = epochs, Seed = 5, EarlyStoppingPatience = 0,
            Imbalance = imbalance is null ? new Dictionary<string, TaskImbalance>() : new Dictionary<string, TaskImbalance> { ["rare"] = imbalance },
        }).Fit(data).Network;

    [Test]
    public void PositiveWeighting_AndFocalLoss_RaiseRecallOfARareTask()
    {
        var train = Rare(40_000, 1);
        var test = Rare(20_000, 2);
        Assert.That(train.Labels[0].Average(), Is.InRange(0.01, 0.03), "about 2% positives");
        var plain = Measure(Train(train, null), test);
        var weighted = Measure(Train(train, new TaskImbalance { AutoPositiveWeight = true }), test);
        var focal = Measure(Train(train, new TaskImbalance { FocalGamma = 2f, FocalAlpha = 0.9f }), test);
        TestContext.Out.WriteLine($"recall plain {plain.Recall:F3}, weighted {weighted.Recall:F3}, focal {focal.Recall:F3}; AUC {plain.Auc:F4} / {weighted.Auc:F4} / {focal.Auc:F4}");
        Assert.That(weighted.Recall, Is.GreaterThan(plain.Recall + 0.2));
        Assert.That(focal.Recall, Is.GreaterThan(plain.Recall + 0.1));
    }

    [Test]
    public void NegativeDownsampling_WithTheLogitCorrection_StaysCalibrated()
    {
        var train = Rare(40_000, 3);
        var test = Rare(20_000, 4);
        double rate = test.Labels[0].Average();
        var corrected = Measure(Train(train, new TaskImbalance { NegativeSampleRate = 0.1f }, epochs: 20), test);
        var plain = Measure(Train(train, null), test);
        TestContext.Out.WriteLine($"true positive rate {rate:F4}, mean predicted {corrected.MeanProbability:F4} (without downsampling {plain.MeanProbability:F4})");
        Assert.That(corrected.MeanProbability, Is.EqualTo(rate).Within(0.1 * rate));
    }

    [Test]
    public void ImbalanceSettings_AreChecked()
    {
        var data = Rare(200, 5);
        Assert.That(() => new MultiTaskTrainer(training: new TrainerOptions { Imbalance = new Dictionary<string, TaskImbalance> { ["rare"] = new() { NegativeSampleRate = 0 } } }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("'rare'"));
        Assert.That(() => new MultiTaskTrainer(training: new TrainerOptions { Epochs = 1, Imbalance = new Dictionary<string, TaskImbalance> { ["other"] = new() } }).Fit(data),
            Throws.ArgumentException.With.Message.Contains("'other', which is not one of the tasks"));
    }
}
