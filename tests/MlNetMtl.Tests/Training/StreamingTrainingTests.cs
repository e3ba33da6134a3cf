using MlNetMtl.Data;
using MlNetMtl.Data.Synthetic;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Training;

namespace MlNetMtl.Tests.Training;

public class StreamingTrainingTests
{
    private static readonly SyntheticTaskGenerator Generator = new(new SyntheticTaskOptions { Dimension = 20, Kind = TaskKind.Binary });
    private static readonly SharedBottomOptions Network = new() { BottomWidths = [24], TowerWidths = [8], Dropout = 0.1f };


    [Test]
    public void ABufferThatHoldsEveryRow_TrainsTheSameModelAsInMemory()
    {
        var data = Generator.Generate(1_500, 1);
        var options = new TrainerOptions { Epochs = 3, BatchSize = 64, Threads = 1 };
        var inMemory = new MultiTaskTrainer(Network, options).Fit(data);
        var streamed = new MultiTaskTrainer(Network, options).Fit(new DatasetRowStream(data), shuffleBufferRows: 1_500);
        Assert.That(TrainingHelpers.Bits(streamed.Network), Is.EqualTo(TrainingHelpers.Bits(inMemory.Network)));
        Assert.That(streamed.Epochs.Select(e => e.MeanValidationLoss), Is.EqualTo(inMemory.Epochs.Select(e => e.MeanValidationLoss)));
    }

    [Test]
    public void EachEpoch_UsesEveryTrainingRowOnce_InAShuffledOrder()
    {
        // Feature 0 carries the row's position, so the batches tell which rows they hold.
        const int rows = 1_000, buffer = 100;
        var features = new float[rows * 2];
        for (int r = 0; r < rows; r++)
            features[2 * r] = r;
        var data = new MultiTaskDataset(new DenseFeatures(features, rows, 2), [new TaskDefinition("t", TaskKind.Regression)], [new float[rows]]);
        var store = new RowStore(data.Tasks, 2, buffer);
        bool HeldOut(long row) => row % 10 == 3;
        using var epochs = new ShuffledStream(new DatasetRowStream(data), store, capacity: 32, trainingRows: 900, HeldOut);
        var random = new Random(1);
        var orders = new List<List<int>>();
        for (int epoch = 0; epoch < 2; epoch++)
        {
            var seen = new List<int>();
            epochs.BeginEpoch(random);
            while (epochs.Next(random))
            {
                var batch = epochs.Batches.LastBatch;
                Assert.That(batch.Rows, Is.LessThanOrEqualTo(32));
                for (int r = 0; r < batch.Rows; r++)
                    seen.Add((int)batch.Dense[r * 2]);
            }
            Assert.That(seen.Order(), Is.EqualTo(Enumerable.Range(0, rows).Where(r => !HeldOut(r))), $"epoch {epoch}: every training row once");
            orders.Add(seen);
        }
        Assert.That(orders[0], Is.Not.Ordered, "shuffled");
        Assert.That(orders[1], Is.Not.EqualTo(orders[0]), "a new order each epoch");
        // A buffer of 100 rows cannot move a row far back: the stream's first row is drawn among the first rows.
        Assert.That(orders[0].IndexOf(0), Is.LessThan(300));
    }

    [Test]
    public void ABufferSmallerThanTheData_LearnsAndValidatesOnHeldOutRows()
    {
        var train = Generator.Generate(8_000, 2);
        var test = Generator.Generate(2_000, 3);
        var result = new MultiTaskTrainer(new SharedBottomOptions { BottomWidths = [32], TowerWidths = [16] }, new TrainerOptions { Epochs = 12 })
            .Fit(new DatasetRowStream(train), shuffleBufferRows: 500);
        Assert.That(result.Epochs.All(e => double.IsFinite(e.MeanValidationLoss)), "the held-out rows give a validation loss");
        var scores = TrainingHelpers.Scores(result.Network, test);
        for (int t = 0; t < 2; t++)
            Assert.That(MlNetMtl.Evaluation.RankingMetrics.Auc(scores[t], test.Labels[t]), Is.GreaterThan(0.9), $"task {t}");
    }

    [Test]
    public void BadRows_AreReportedByTheirPosition()
    {
        var data = Generator.Generate(3_000, 4);
        var bad = new BadLabelStream(data, 2_345);
        var error = Assert.Throws<ArgumentException>(() => new MultiTaskTrainer(Network).Fit(bad, shuffleBufferRows: 1_000));
        Assert.That(error!.Message, Does.Contain("row 2345").And.Contain("task2").And.Contain("not 0 or 1"));
    }

    [Test]
    public void EmptyStreams_TooSmallBuffers_AndEsmm_AreRejected()
    {
        var data = Generator.Generate(3_000, 5);
        var empty = new DatasetRowStream(new MultiTaskDataset(new DenseFeatures([], 0, 20), data.Tasks, [[], []]));
        Assert.That(() => new MultiTaskTrainer(Network).Fit(empty, 100), Throws.ArgumentException.With.Message.Contains("no rows"));
        Assert.That(() => new MultiTaskTrainer(Network).Fit(new DatasetRowStream(data), 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new MultiTaskTrainer(new EsmmOptions()).Fit(new DatasetRowStream(data), 100),
            Throws.ArgumentException.With.Message.Contains("ESMM"));
    }

    /// <summary>A stream whose second task has the label 0.5 at one row.</summary>
    private sealed class BadLabelStream(MultiTaskDataset data, int badRow) : IRowStream
    {
        public IReadOnlyList<TaskDefinition> Tasks => data.Tasks;
        public int Dimension => data.Features.Dimension;
        public IRowReader Open() => new Reader(new DatasetRowStream(data).Open(), badRow);

        private sealed class Reader(IRowReader inner, int badRow) : IRowReader
        {
            private int _row;
            public bool Read(RowFeatures features, Span<float> labels, Span<float> weights)
            {
                if (!inner.Read(features, labels, weights))
                    return false;
                if (_row++ == badRow)
                    labels[1] = 0.5f;
                return true;
            }
            public void Dispose() => inner.Dispose();
        }
    }

    /// <summary>One "user" id of 50,000 and one "item" id of 1,000 per row, one-hot; task a is a property of the user, b of the item.</summary>
    internal static MultiTaskDataset WideSparse(int rows, int seed)
    {
        const int users = 50_000, items = 1_000;
        var random = new Random(seed);
        var starts = new int[rows + 1];
        var indices = new int[rows * 2];
        float[] a = new float[rows], b = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            int user = random.Next(2_000) * 20, item = random.Next(items);
            indices[2 * r] = user;
            indices[2 * r + 1] = users + item;
            starts[r + 1] = 2 * (r + 1);
            a[r] = (user / 20) % 3 == 0 ? 1f : 0f;
            b[r] = item % 2 == 0 ? 1f : 0f;
        }
        return new MultiTaskDataset(new SparseFeatures(starts, indices, Enumerable.Repeat(1f, rows * 2).ToArray(), users + items),
            [new TaskDefinition("a", TaskKind.Binary), new TaskDefinition("b", TaskKind.Binary)], [a, b]);
    }

    [Test]
    public void WideSparseRows_StreamThroughABufferOfTheirNonZeros_AndLearn()
    {
        var train = WideSparse(30_000, 1);
        Assert.That(new RowStore(train.Tasks, train.Features.Dimension, 2_000).IsSparse, "51,000-wide rows keep only their non-zeros (dense: 408 MB)");
        var result = new MultiTaskTrainer(new SharedBottomOptions { BottomWidths = [32], TowerWidths = [16] }, new TrainerOptions { Epochs = 8, LearningRate = 1e-2f })
            .Fit(new DatasetRowStream(train), shuffleBufferRows: 2_000);
        var test = WideSparse(3_000, 2);
        var scores = TrainingHelpers.Scores(result.Network, test);
        Assert.That(MlNetMtl.Evaluation.RankingMetrics.Auc(scores[0], test.Labels[0]), Is.GreaterThan(0.9), "user task");
        Assert.That(MlNetMtl.Evaluation.RankingMetrics.Auc(scores[1], test.Labels[1]), Is.GreaterThan(0.9), "item task");
    }

    [Test]
    public void WideSparseRows_InABufferThatHoldsThemAll_TrainTheInMemoryModel()
    {
        var data = WideSparse(1_200, 3);
        var options = new TrainerOptions { Epochs = 2, BatchSize = 100, Threads = 1 };
        var network = new SharedBottomOptions { BottomWidths = [16], TowerWidths = [8] };
        var inMemory = new MultiTaskTrainer(network, options).Fit(data);
        var streamed = new MultiTaskTrainer(network, options).Fit(new DatasetRowStream(data), shuffleBufferRows: 1_500);
        Assert.That(TrainingHelpers.Bits(streamed.Network), Is.EqualTo(TrainingHelpers.Bits(inMemory.Network)));
    }

    [Test]
    public void BadSparseFeatures_AreReportedByRow()
    {
        var features = new RowFeatures(10, _ => { }, (_, _) => { }) { Row = 77 };
        Assert.That(() => features.SetSparse([1, 12], [1f, 1f]), Throws.ArgumentException.With.Message.Contains("Row 77").And.Message.Contains("index 12"));
        Assert.That(() => features.SetSparse([3, 2], [1f, 1f]), Throws.ArgumentException.With.Message.Contains("not ascending"));
        Assert.That(() => features.SetSparse([3], [float.NaN]), Throws.ArgumentException.With.Message.Contains("Row 77, feature 3"));
        Assert.That(() => features.SetDense(new float[9]), Throws.ArgumentException.With.Message.Contains("9 feature values"));
    }
}
