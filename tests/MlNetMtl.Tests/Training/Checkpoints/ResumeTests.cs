using MlNetMtl.Data;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Networks.Encoders;
using MlNetMtl.Tests.Training.Distributed;
using MlNetMtl.Training;
using MlNetMtl.Training.Checkpoints;
using MlNetMtl.Training.Weighting;

namespace MlNetMtl.Tests.Training.Checkpoints;

/// <summary>
/// A run interrupted after a checkpoint and resumed from it ends with the weights and history of the run never
/// interrupted, to the bit — one thread or two, dense, one-hot or embedding input, dropout, negative sampling, learned
/// loss weights, Adam or momentum, over simulated processes (in memory or streamed) — and checkpoints themselves change
/// nothing.
/// </summary>
public class ResumeTests : TemporaryFolderTests
{

    /// <summary>A run's setup: architecture, options (checkpoints aside), data, fields.</summary>
    private sealed record Run(NetworkOptions Network, TrainerOptions Options, MultiTaskDataset Data, FieldLayout? Fields = null)
    {
        public TrainingResult Fit(CheckpointOptions? checkpoint, CancellationToken token = default, IProgress<EpochReport>? progress = null) =>
            new MultiTaskTrainer(Network, Options with { Checkpoint = checkpoint }, Fields).Fit(Data, progress: progress, cancellationToken: token);
    }

    private static TrainerOptions Base => new() { Epochs = 4, BatchSize = 100, ValidationFraction = 0.1, Seed = 5, EarlyStoppingPatience = 0 };

    private static Run Case(string name) => name switch
    {
        "OneThreadDropoutSampledUncertainty" => new(ShardedTrainingData.Architecture("Dropout"),
            Base with
            {
                Threads = 1,
                Weighting = new UncertaintyWeighting(),
                Imbalance = new Dictionary<string, TaskImbalance> { ["task1"] = new() { NegativeSampleRate = 0.5f } },
            }, ShardedTrainingData.Dense(2_950)),
        "TwoThreadsOneHotMomentumDwa" => new(new SharedBottomOptions { BottomWidths = [24, 12], TowerWidths = [8], Dropout = 0.2f },
            Base with { Threads = 2, Optimizer = OptimizerKind.SgdMomentum, LearningRate = 0.02f, Weighting = new DynamicWeightAverage() }, ShardedTrainingData.Sparse(2_950)),
        "TwoThreadsEmbedding" => new(ShardedTrainingData.Architecture("Embedding"),
            Base with { Threads = 2 }, ShardedTrainingData.Sparse(2_950), ShardedTrainingData.SparseFields),
        "OneThreadMmoeGradNorm" => new(ShardedTrainingData.Architecture("MMoE"),
            Base with { Threads = 1, Weighting = new GradNorm() }, ShardedTrainingData.Dense(2_950)),
        _ => throw new ArgumentException(name),
    };

    /// <summary>Trains <paramref name="run"/> until the end of epoch <paramref name="epochs"/>, then stops it before its next step.</summary>
    private static void Interrupt(Run run, CheckpointOptions checkpoint, int epochs) =>
        Interrupt((token, progress) => run.Fit(checkpoint, token, progress), epochs);

    /// <summary>Runs <paramref name="fit"/> until the end of epoch <paramref name="epochs"/>, then stops it before its next step.</summary>
    internal static void Interrupt(Func<CancellationToken, IProgress<EpochReport>, TrainingResult> fit, int epochs)
    {
        using var stop = new CancellationTokenSource();
        var progress = new Synchronous(report => { if (report.Epoch == epochs) stop.Cancel(); });
        Assert.That(() => fit(stop.Token, progress), Throws.InstanceOf<OperationCanceledException>());
    }

    /// <summary>Reports on the training thread (Progress&lt;T&gt; would post them to the thread pool, too late to stop at the epoch's end).</summary>
    private sealed class Synchronous(Action<EpochReport> report) : IProgress<EpochReport>
    {
        public void Report(EpochReport value) => report(value);
    }

    [TestCase("OneThreadDropoutSampledUncertainty")]
    [TestCase("TwoThreadsOneHotMomentumDwa")]
    [TestCase("TwoThreadsEmbedding")]
    [TestCase("OneThreadMmoeGradNorm")]
    public void AResumedRun_EndsWithTheUninterruptedRunsWeightsAndHistory(string name)
    {
        var run = Case(name);
        var plain = run.Fit(null);
        string path = Path.Combine(Folder, "run.checkpoint");
        // 2,655 training rows: 27 steps an epoch; checkpoints every 7 steps, the last before the interruption at step 49, mid-epoch 2.
        var checkpoint = new CheckpointOptions(path) { EverySteps = 7 };
        var checkpointed = run.Fit(checkpoint);
        Assert.That(TrainingHelpers.Bits(checkpointed.Network), Is.EqualTo(TrainingHelpers.Bits(plain.Network)), "checkpoints change nothing");
        File.Delete(path);

        Interrupt(run, checkpoint, epochs: 2);
        Assert.That(File.Exists(path), "a checkpoint was written before the interruption");
        var resumed = run.Fit(checkpoint with { Resume = true });

        Assert.That(TrainingHelpers.Bits(resumed.Network), Is.EqualTo(TrainingHelpers.Bits(plain.Network)), "the resumed run's weights");
        Assert.That(resumed.Epochs.Select(e => e.TrainingLoss.ToArray()), Is.EqualTo(plain.Epochs.Select(e => e.TrainingLoss.ToArray())), "training losses, epoch by epoch");
        Assert.That(resumed.Epochs.Select(e => e.ValidationLoss.ToArray()), Is.EqualTo(plain.Epochs.Select(e => e.ValidationLoss.ToArray())), "validation losses");
        Assert.That(resumed.Epochs.Select(e => e.TaskWeights.ToArray()), Is.EqualTo(plain.Epochs.Select(e => e.TaskWeights.ToArray())), "task weights");
        Assert.That(resumed.BestEpoch, Is.EqualTo(plain.BestEpoch));
        Assert.That(Directory.GetFiles(Folder), Is.EquivalentTo(new[] { path }), "no temporary file is left");
    }

    [Test]
    public void ResumedTwice_FromCheckpointsOfDifferentEpochs_StillTheUninterruptedWeights()
    {
        var run = Case("OneThreadDropoutSampledUncertainty");
        var plain = run.Fit(null);
        var checkpoint = new CheckpointOptions(Path.Combine(Folder, "run.checkpoint")) { EverySteps = 10 };
        Interrupt(run, checkpoint, epochs: 1);
        Interrupt(run, checkpoint with { Resume = true }, epochs: 3);
        Assert.That(TrainingHelpers.Bits(run.Fit(checkpoint with { Resume = true }).Network), Is.EqualTo(TrainingHelpers.Bits(plain.Network)));
    }

    /// <param name="bufferRows">Streams the rows through a shuffle buffer of this many rows (fewer than the data's); null trains in memory.</param>
    /// <param name="ownDisks">Rank 1's checkpoint path is in a folder of its own, which never holds the file (hosts without a shared disk): rank 0 sends it.</param>
    [TestCase(null, false)]
    [TestCase(900, false)]
    [TestCase(null, true)]
    public void OverSimulatedProcesses_AResumedRun_EndsWithTheUninterruptedWeights(int? bufferRows, bool ownDisks)
    {
        var run = Case("TwoThreadsEmbedding") with { Options = Base with { Threads = 1 } };
        TrainingResult Fit(MultiTaskTrainer trainer, IProgress<EpochReport>? progress = null, CancellationToken token = default) => bufferRows is { } rows
            ? trainer.Fit(new DatasetRowStream(run.Data), rows, progress: progress, cancellationToken: token)
            : trainer.Fit(run.Data, progress: progress, cancellationToken: token);
        var plain = Fit(new MultiTaskTrainer(run.Network, Base with { Threads = 2 }, run.Fields));
        var checkpoint = new CheckpointOptions(Path.Combine(Folder, "run.checkpoint")) { EverySteps = 7 };
        string rank1Folder = Directory.CreateDirectory(Path.Combine(Folder, "rank1")).FullName;

        TrainingResult[] Processes(CheckpointOptions options, int stopAfterEpoch)
        {
            var hub = new ThreadCommunicator.Hub(2);
            using var stop = new CancellationTokenSource();
            var ranks = Enumerable.Range(0, 2).Select(rank => Task.Run(() =>
            {
                var progress = new Synchronous(report => { if (report.Epoch == stopAfterEpoch) stop.Cancel(); });
                var own = ownDisks && rank == 1 ? options with { Path = Path.Combine(rank1Folder, "run.checkpoint") } : options;
                return Fit(new MultiTaskTrainer(run.Network, run.Options with { Distributed = new ThreadCommunicator(hub, rank), Checkpoint = own }, run.Fields),
                    progress, stop.Token);
            })).ToArray();
            try
            {
                Task.WaitAll(ranks);
            }
            catch (AggregateException e) when (e.InnerExceptions.All(x => x is OperationCanceledException))
            {
                return [];
            }
            return ranks.Select(r => r.Result).ToArray();
        }

        Assert.That(Processes(checkpoint, stopAfterEpoch: 2), Is.Empty, "interrupted");
        Assert.That(Directory.GetFiles(rank1Folder), Is.Empty, "rank 0 alone writes");
        var resumed = Processes(checkpoint with { Resume = true }, stopAfterEpoch: 0);
        Assert.That(TrainingHelpers.Bits(resumed[0].Network), Is.EqualTo(TrainingHelpers.Bits(plain.Network)), "rank 0");
        Assert.That(TrainingHelpers.Bits(resumed[1].Network), Is.EqualTo(TrainingHelpers.Bits(plain.Network)), "rank 1");
    }
}
