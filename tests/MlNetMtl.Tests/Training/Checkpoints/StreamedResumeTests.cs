using MlNetMtl.Data;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Training;
using MlNetMtl.Training.Checkpoints;

namespace MlNetMtl.Tests.Training.Checkpoints;

/// <summary>
/// Streamed training — rows read pass after pass through a shuffle buffer smaller than the data — interrupted after a
/// checkpoint taken mid-epoch and resumed from it ends with the uninterrupted run's weights and history, to the bit:
/// dense rows on one thread with dropout, wide sparse rows (kept as their non-zeros) on two.
/// </summary>
public class StreamedResumeTests : TemporaryFolderTests
{
    /// <summary>A streamed run's setup: architecture, options (checkpoints aside), data and buffer.</summary>
    private sealed record Run(NetworkOptions Network, TrainerOptions Options, MultiTaskDataset Data, int BufferRows)
    {
        public TrainingResult Fit(CheckpointOptions? checkpoint, CancellationToken token = default, IProgress<EpochReport>? progress = null) =>
            new MultiTaskTrainer(Network, Options with { Checkpoint = checkpoint })
                .Fit(new DatasetRowStream(Data), BufferRows, progress: progress, cancellationToken: token);
    }

    private static TrainerOptions Base => new() { Epochs = 3, BatchSize = 100, ValidationFraction = 0.1, Seed = 7, EarlyStoppingPatience = 0 };

    private static Run Case(string name) => name switch
    {
        "DenseOneThreadDropout" => new(new SharedBottomOptions { BottomWidths = [16], TowerWidths = [8], Dropout = 0.2f },
            Base with { Threads = 1 }, ShardedTrainingData.Dense(2_950), BufferRows: 700),
        "WideSparseTwoThreads" => new(new SharedBottomOptions { BottomWidths = [16], TowerWidths = [8] },
            Base with { Threads = 2 }, StreamingTrainingTests.WideSparse(2_950, 4), BufferRows: 800),
        _ => throw new ArgumentException(name),
    };

    [TestCase("DenseOneThreadDropout")]
    [TestCase("WideSparseTwoThreads")]
    public void AResumedStreamedRun_EndsWithTheUninterruptedRunsWeightsAndHistory(string name)
    {
        var run = Case(name);
        var plain = run.Fit(null);
        string path = Path.Combine(Folder, "run.checkpoint");
        // ~2,655 training rows: 27 steps an epoch; checkpoints every 7 steps, the last before the interruption (end of
        // epoch 2) at step 49, mid-epoch 2, with the buffer part drained and part refilled.
        var checkpoint = new CheckpointOptions(path) { EverySteps = 7 };
        Assert.That(TrainingHelpers.Bits(run.Fit(checkpoint).Network), Is.EqualTo(TrainingHelpers.Bits(plain.Network)), "checkpoints change nothing");
        File.Delete(path);

        ResumeTests.Interrupt((token, progress) => run.Fit(checkpoint, token, progress), epochs: 2);
        Assert.That(File.Exists(path), "a checkpoint was written before the interruption");
        var resumed = run.Fit(checkpoint with { Resume = true });

        Assert.That(TrainingHelpers.Bits(resumed.Network), Is.EqualTo(TrainingHelpers.Bits(plain.Network)), "the resumed run's weights");
        Assert.That(resumed.Epochs.Select(e => e.TrainingLoss.ToArray()), Is.EqualTo(plain.Epochs.Select(e => e.TrainingLoss.ToArray())), "training losses, epoch by epoch");
        Assert.That(resumed.Epochs.Select(e => e.ValidationLoss.ToArray()), Is.EqualTo(plain.Epochs.Select(e => e.ValidationLoss.ToArray())), "validation losses");
        Assert.That(Directory.GetFiles(Folder), Is.EquivalentTo(new[] { path }), "no temporary file is left");
    }

    [Test]
    public void StoppedWhileReadingTheStreamAgain_AResumeLeavesTheCheckpointForTheNextTry()
    {
        var run = Case("DenseOneThreadDropout");
        string path = Path.Combine(Folder, "run.checkpoint");
        var checkpoint = new CheckpointOptions(path) { EverySteps = 7 };
        run.Fit(checkpoint);
        var saved = File.ReadAllBytes(path);
        using var stop = new CancellationTokenSource();
        // The first pass scans; the second is the resume reading the rows again: stopped as it opens.
        var stream = new OpenCounting(new DatasetRowStream(run.Data), opened => { if (opened == 2) stop.Cancel(); });
        var trainer = new MultiTaskTrainer(run.Network, run.Options with { Checkpoint = checkpoint with { Resume = true } });
        Assert.That(() => trainer.Fit(stream, run.BufferRows, cancellationToken: stop.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(stream.Opened, Is.EqualTo(2), "stopped in the resume's reading, before any training pass");
        Assert.That(stream.RowsRead, Is.EqualTo(run.Data.Rows), "the resume read none of the ~5,000 rows before the checkpoint's position");
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(saved));
    }

    /// <summary>A stream that tells how many times it has been opened and how many rows were read.</summary>
    private sealed class OpenCounting(IRowStream inner, Action<int> opened) : IRowStream
    {
        public int Opened { get; private set; }
        public long RowsRead { get; private set; }
        public IReadOnlyList<TaskDefinition> Tasks => inner.Tasks;
        public int Dimension => inner.Dimension;

        public IRowReader Open()
        {
            opened(++Opened);
            return new Counting(inner.Open(), this);
        }

        private sealed class Counting(IRowReader reader, OpenCounting stream) : IRowReader
        {
            public bool Read(RowFeatures features, Span<float> labels, Span<float> weights)
            {
                bool read = reader.Read(features, labels, weights);
                stream.RowsRead += read ? 1 : 0;
                return read;
            }

            public void Dispose() => reader.Dispose();
        }
    }
}
