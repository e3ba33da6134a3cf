using MlNetMtl.Data;
using MlNetMtl.Data.Synthetic;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Networks.Encoders;
using MlNetMtl.Training;

namespace MlNetMtl.Tests.Training;

public class DataParallelTrainingTests
{
    private static MultiTaskDataset Dense(int rows) => ShardedTrainingData.Dense(rows);
    private static MultiTaskDataset Sparse(int rows) => ShardedTrainingData.Sparse(rows);
    private static readonly FieldLayout SparseFields = ShardedTrainingData.SparseFields;

    private static NetworkOptions Architecture(string name) => ShardedTrainingData.Architecture(name);

    // SGD with momentum is linear in the gradient, so the shards' re-associated sums (float rounding, ~1e-7 relative per
    // step) stay at that level over the 2 × 30 steps here; Adam's g/√v would magnify it on near-zero gradients.
    private static TrainerOptions Options(int threads, float clipNorm) => new()
    {
        Threads = threads, Epochs = 2, BatchSize = 100, Optimizer = OptimizerKind.SgdMomentum, LearningRate = 0.05f,
        ValidationFraction = 0, Seed = 5, GradientClipNorm = clipNorm,
    };

    /// <summary>
    /// Dense and sparse rows (a one-hot first layer, an embedding table updated by the training's optimizer or by row-wise
    /// Adagrad: row-sparse gradients merged across the workers), with and without clipping (the whole gradient summed
    /// before the step, instead of part by part within it).
    /// </summary>
    [TestCase("SharedBottom", false, 0f)]
    [TestCase("MMoE", false, 0f)]
    [TestCase("PLE", false, 0f)]
    [TestCase("AITM", false, 0f)]
    [TestCase("SharedBottom", true, 0f)]
    [TestCase("MMoE", true, 0f)]
    [TestCase("Embedding", true, 0f)]
    [TestCase("EmbeddingAdagrad", true, 0f)]
    [TestCase("SharedBottom", false, 0.5f)]
    [TestCase("Embedding", true, 0.5f)]
    public void SeveralThreads_TrainTheSameModelAsOne_UpToRounding(string architecture, bool sparse, float clipNorm)
    {
        var data = sparse ? Sparse(2_950) : Dense(2_950); // 30 batches, the last one of 50 rows
        var fields = architecture.StartsWith("Embedding", StringComparison.Ordinal) ? SparseFields : null;
        var one = new MultiTaskTrainer(Architecture(architecture), Options(1, clipNorm), fields).Fit(data).Network;
        var three = new MultiTaskTrainer(Architecture(architecture), Options(3, clipNorm), fields).Fit(data).Network;

        double largest = 0, moved = 0;
        var start = MultiTaskNetwork.Create(data.Features.Dimension, data.Tasks, Architecture(architecture), 5,
            sparse ? data.Features.MeanValuesPerRow : null, fields);
        for (int p = 0; p < one.Parameters.Count; p++)
        {
            var a = one.Parameters[p].Values;
            var b = three.Parameters[p].Values;
            var initial = start.Parameters[p].Values;
            for (int i = 0; i < a.Length; i++)
            {
                largest = Math.Max(largest, Math.Abs(a[i] - b[i]));
                moved = Math.Max(moved, Math.Abs(a[i] - initial[i]));
            }
        }
        Assert.That(moved, Is.GreaterThan(0.05), "training moved the weights, so agreement is not trivial");
        Assert.That(largest, Is.LessThan(1e-4), $"largest weight difference between 1 and 3 threads (weights moved up to {moved:G3})");
    }

    [Test]
    public void SeveralThreads_WithDropout_AreBitIdenticalRunAfterRun()
    {
        var data = Dense(2_000);
        var network = new SharedBottomOptions { BottomWidths = [24, 12], TowerWidths = [8], Dropout = 0.3f };
        var options = new TrainerOptions { Threads = 2, Epochs = 2, BatchSize = 128, Seed = 9 };
        var first = new MultiTaskTrainer(network, options).Fit(data).Network;
        var second = new MultiTaskTrainer(network, options).Fit(data).Network;
        Assert.That(TrainingHelpers.Bits(second), Is.EqualTo(TrainingHelpers.Bits(first)));
    }

    [Test]
    public void TwoThreads_LearnTheTask()
    {
        var train = Dense(6_000);
        var test = new SyntheticTaskGenerator(new SyntheticTaskOptions { Dimension = 20, Kind = TaskKind.Binary }).Generate(2_000, 2);
        var network = new MultiTaskTrainer(new SharedBottomOptions { BottomWidths = [32], TowerWidths = [16] },
            new TrainerOptions { Threads = 2, Epochs = 15 }).Fit(train).Network;
        var scores = TrainingHelpers.Scores(network, test);
        for (int t = 0; t < 2; t++)
            Assert.That(MlNetMtl.Evaluation.RankingMetrics.Auc(scores[t], test.Labels[t]), Is.GreaterThan(0.9), $"task {t}");
    }

    [Test]
    public void ZeroThreads_IsRejectedByName()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new MultiTaskTrainer(null, new TrainerOptions { Threads = 0 }));
        Assert.That(error!.ParamName, Is.EqualTo("Threads"));
    }

}
