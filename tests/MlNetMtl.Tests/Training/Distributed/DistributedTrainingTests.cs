using MlNetMtl.Data;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Encoders;
using MlNetMtl.Training;

namespace MlNetMtl.Tests.Training.Distributed;

/// <summary>
/// Training over N processes — simulated here by threads exchanging through <see cref="ThreadCommunicator"/>, the MPI
/// exchange's logic without MPI — gives, in every process, the bits one process gives with N threads: dense and one-hot
/// first layers, an embedding table (its rows exchanged as sets), a mixture of experts, dropout, clipping, and a last
/// mini-batch too small to shard.
/// </summary>
public class DistributedTrainingTests
{
    private static MultiTaskDataset Dense(int rows) => ShardedTrainingData.Dense(rows);
    private static MultiTaskDataset Sparse(int rows) => ShardedTrainingData.Sparse(rows);
    private static readonly FieldLayout SparseFields = ShardedTrainingData.SparseFields;

    private static NetworkOptions Architecture(string name) => ShardedTrainingData.Architecture(name);

    private static TrainerOptions Options(int threads, float clipNorm = 0) => new()
    {
        Threads = threads, Epochs = 2, BatchSize = 100, ValidationFraction = 0.1f, Seed = 5, GradientClipNorm = clipNorm,
    };


    [TestCase("SharedBottom", false, 2)]
    [TestCase("SharedBottom", false, 3)]
    [TestCase("Dropout", false, 2)]
    [TestCase("MMoE", false, 2)]
    [TestCase("SharedBottom", true, 2)]
    [TestCase("Embedding", true, 2)]
    [TestCase("Embedding", true, 3)]
    public void NProcesses_TrainTheBitsOfOneProcessWithNThreads(string architecture, bool sparse, int processes)
    {
        // 2,950 rows less a tenth for validation: 27 batches of 100 and a last one of 55 rows, one shard only.
        var data = sparse ? Sparse(2_950) : Dense(2_950);
        var fields = architecture == "Embedding" ? SparseFields : null;
        var threaded = new MultiTaskTrainer(Architecture(architecture), Options(processes), fields).Fit(data);

        var hub = new ThreadCommunicator.Hub(processes);
        var runs = Enumerable.Range(0, processes).Select(rank => Task.Run(() =>
            new MultiTaskTrainer(Architecture(architecture), Options(1) with { Distributed = new ThreadCommunicator(hub, rank) }, fields).Fit(data))).ToArray();
        Task.WaitAll(runs);

        var expected = TrainingHelpers.Bits(threaded.Network);
        for (int rank = 0; rank < processes; rank++)
        {
            Assert.That(TrainingHelpers.Bits(runs[rank].Result.Network), Is.EqualTo(expected), $"rank {rank}'s weights");
            Assert.That(runs[rank].Result.Epochs.Select(e => e.TrainingLoss.ToArray()), Is.EqualTo(threaded.Epochs.Select(e => e.TrainingLoss.ToArray())), $"rank {rank}'s losses");
            Assert.That(runs[rank].Result.Epochs.Select(e => e.ValidationLoss.ToArray()), Is.EqualTo(threaded.Epochs.Select(e => e.ValidationLoss.ToArray())),
                $"rank {rank}'s validation losses, from its share of the validation batches and the others'");
        }
        var start = MultiTaskNetwork.Create(data.Features.Dimension, data.Tasks, Architecture(architecture), 5, sparse ? data.Features.MeanValuesPerRow : null, fields);
        Assert.That(TrainingHelpers.Bits(threaded.Network), Is.Not.EqualTo(TrainingHelpers.Bits(start)), "training moved the weights");
    }

    /// <summary>
    /// Each process evaluates its share of the validation batches (295 rows: 3 batches of up to 100, so 2 and 1 with two
    /// processes); the early-stopping AUC is computed from every process's scores in batch order: the figures, the best
    /// epoch and the stop of one process.
    /// </summary>
    [TestCase(2)]
    [TestCase(3)]
    public void ShardedValidation_GivesTheExactLossesAucAndStopOfOneProcess(int processes)
    {
        var data = Dense(2_950);
        var options = Options(1) with { Epochs = 20, EarlyStoppingTask = "task1", EarlyStoppingPatience = 1, LearningRate = 0.05f };
        var threaded = new MultiTaskTrainer(Architecture("Dropout"), options with { Threads = processes }).Fit(data);
        var hub = new ThreadCommunicator.Hub(processes);
        var runs = Enumerable.Range(0, processes).Select(rank => Task.Run(() =>
            new MultiTaskTrainer(Architecture("Dropout"), options with { Distributed = new ThreadCommunicator(hub, rank) }).Fit(data))).ToArray();
        Task.WaitAll(runs);
        Assert.That(threaded.Epochs.Select(e => e.ValidationMetric), Is.All.InRange(0.5, 1.0), "an AUC each epoch");
        Assert.That(threaded.StoppedEarly, "the run stops early, so where is compared too");
        foreach (var run in runs.Select(r => r.Result))
        {
            Assert.That(run.Epochs.Select(e => e.ValidationMetric), Is.EqualTo(threaded.Epochs.Select(e => e.ValidationMetric)), "the AUCs");
            Assert.That(run.Epochs.Select(e => e.ValidationLoss.ToArray()), Is.EqualTo(threaded.Epochs.Select(e => e.ValidationLoss.ToArray())), "the losses");
            Assert.That((run.BestEpoch, run.StoppedEarly, run.Epochs.Count), Is.EqualTo((threaded.BestEpoch, threaded.StoppedEarly, threaded.Epochs.Count)));
            Assert.That(TrainingHelpers.Bits(run.Network), Is.EqualTo(TrainingHelpers.Bits(threaded.Network)));
        }
    }

    /// <summary>A loss that overflows in one process's shard stops every process at the step one process stops, naming the task (the headers say it).</summary>
    [Test]
    public void ADivergingRun_StopsEveryProcess_AtTheStepOneProcessStops()
    {
        var data = new MlNetMtl.Data.Synthetic.SyntheticTaskGenerator(new MlNetMtl.Data.Synthetic.SyntheticTaskOptions { Dimension = 20, Kind = TaskKind.Regression }).Generate(2_950, 1);
        var options = Options(1) with { LearningRate = 50f, Optimizer = OptimizerKind.SgdMomentum };
        var threaded = Assert.Throws<InvalidOperationException>(() => new MultiTaskTrainer(Architecture("SharedBottom"), options with { Threads = 2 }).Fit(data))!;
        Assert.That(threaded.Message, Does.Contain("Training diverged in epoch 1, mini-batch"));
        Assert.That(threaded.Message, Does.Not.Contain("mini-batch 1:"), "past the first step, where the losses travel with the gradients");
        var hub = new ThreadCommunicator.Hub(2);
        var runs = Enumerable.Range(0, 2).Select(rank => Task.Run(() =>
            new MultiTaskTrainer(Architecture("SharedBottom"), options with { Distributed = new ThreadCommunicator(hub, rank, TimeSpan.FromSeconds(20)) }).Fit(data))).ToArray();
        foreach (var run in runs)
        {
            var error = Assert.Throws<AggregateException>(() => run.Wait())!.InnerException;
            Assert.That(error, Is.InstanceOf<InvalidOperationException>().With.Message.EqualTo(threaded.Message));
        }
    }

    [Test]
    public void WithClipping_TheWholeGradientIsClipped_AsInOneProcess()
    {
        var data = Sparse(2_950);
        var threaded = new MultiTaskTrainer(Architecture("Embedding"), Options(2, clipNorm: 0.05f), SparseFields).Fit(data);
        var hub = new ThreadCommunicator.Hub(2);
        var runs = Enumerable.Range(0, 2).Select(rank => Task.Run(() =>
            new MultiTaskTrainer(Architecture("Embedding"), Options(1, clipNorm: 0.05f) with { Distributed = new ThreadCommunicator(hub, rank) }, SparseFields).Fit(data))).ToArray();
        Task.WaitAll(runs);
        Assert.That(TrainingHelpers.Bits(runs[0].Result.Network), Is.EqualTo(TrainingHelpers.Bits(threaded.Network)));
        Assert.That(TrainingHelpers.Bits(runs[1].Result.Network), Is.EqualTo(TrainingHelpers.Bits(threaded.Network)));
    }

    [Test]
    public void AProcessThatNeverComes_EndsTheOthersRunAtTheTimeout_NamingTheExchange()
    {
        var data = Dense(500);
        var hub = new ThreadCommunicator.Hub(2);
        var lonely = new ThreadCommunicator(hub, 0, TimeSpan.FromSeconds(1));
        var options = Options(1) with { Distributed = lonely };
        var error = Assert.Throws<TimeoutException>(() => new MultiTaskTrainer(Architecture("SharedBottom"), options).Fit(data))!;
        Assert.That(error.Message, Does.StartWith("Rank 0 of 2: the other processes did not take part in the start of training (rank 0's weights of '").And.Contain("one of them has stopped or hangs"));
    }
}
