using MlNetMtl.Data;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Training;
using MlNetMtl.Training.Checkpoints;

namespace MlNetMtl.Tests.Training.Checkpoints;

/// <summary>A run that cannot resume or start as asked says why, naming the file and the difference, and overwrites nothing.</summary>
public class CheckpointRefusalTests : TemporaryFolderTests
{
    private string CheckpointPath => Path.Combine(Folder, "run.checkpoint");

    private static readonly SharedBottomOptions Network = new() { BottomWidths = [8], TowerWidths = [4] };

    private static TrainerOptions Options(CheckpointOptions checkpoint) => new() { Epochs = 2, BatchSize = 50, Seed = 3, Threads = 1, Checkpoint = checkpoint };

    private TrainingResult Fit(TrainerOptions options, int rows = 500) => new MultiTaskTrainer(Network, options).Fit(ShardedTrainingData.Dense(rows));

    private void WriteOne() => Fit(Options(new CheckpointOptions(CheckpointPath) { EverySteps = 5 }));

    [Test]
    public void ResumingWithAnotherSetting_IsRefused_NamingIt()
    {
        WriteOne();
        Assert.That(() => Fit(Options(new CheckpointOptions(CheckpointPath) { Resume = true }) with { LearningRate = 0.003f }),
            Throws.ArgumentException.With.Message.Contains("--learning-rate 0.001").And.Message.Contains("this run has 0.003"));
    }

    [Test]
    public void ResumingOnOtherData_IsRefused_NamingIt()
    {
        WriteOne();
        Assert.That(() => Fit(Options(new CheckpointOptions(CheckpointPath) { Resume = true }), rows: 499),
            Throws.ArgumentException.With.Message.Contains("training rows 500").And.Message.Contains("this run has 499"));
    }

    [Test]
    public void ResumingWithOtherValidationData_IsRefused_NamingIt()
    {
        WriteOne();
        var trainer = new MultiTaskTrainer(Network, Options(new CheckpointOptions(CheckpointPath) { Resume = true }));
        Assert.That(() => trainer.Fit(ShardedTrainingData.Dense(500), validation: ShardedTrainingData.Dense(100)),
            Throws.ArgumentException.With.Message.Contains("validation data (SHA-256) a held-out 0.1 of the training rows; this run has "));
    }

    [Test]
    public void StartingAfreshOverACheckpoint_IsRefused_AndTheCheckpointKept()
    {
        WriteOne();
        var before = File.ReadAllBytes(CheckpointPath);
        Assert.That(() => Fit(Options(new CheckpointOptions(CheckpointPath))), Throws.ArgumentException.With.Message.Contains("exists").And.Message.Contains("resume"));
        Assert.That(File.ReadAllBytes(CheckpointPath), Is.EqualTo(before));
    }

    [Test]
    public void ResumingWithoutACheckpoint_IsRefused() =>
        Assert.That(() => Fit(Options(new CheckpointOptions(CheckpointPath) { Resume = true })),
            Throws.ArgumentException.With.Message.Contains($"no checkpoint '{CheckpointPath}'").And.Message.Contains("--checkpoint-every"));

    [Test]
    public void ATruncatedCheckpoint_IsRefusedAsDamaged()
    {
        WriteOne();
        var bytes = File.ReadAllBytes(CheckpointPath);
        File.WriteAllBytes(CheckpointPath, bytes[..(bytes.Length / 2)]);
        Assert.That(() => Fit(Options(new CheckpointOptions(CheckpointPath) { Resume = true })),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains(CheckpointPath).And.Message.Contains("damaged"));
    }

    [Test]
    public void AFileThatIsNotACheckpoint_IsRefused()
    {
        File.WriteAllText(CheckpointPath, "user,item,click\n1,2,0\n");
        Assert.That(() => Fit(Options(new CheckpointOptions(CheckpointPath) { Resume = true })),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("not an MlNetMtl checkpoint"));
    }

    [Test]
    public void WithPrivacy_CheckpointsAreRefused() =>
        Assert.That(() => new MultiTaskTrainer(Network, Options(new CheckpointOptions(CheckpointPath)) with
        {
            Privacy = new MlNetMtl.Training.Privacy.PrivacyOptions { Epsilon = 4 },
        }), Throws.ArgumentException.With.Message.Contains("DP-SGD"));

    private TrainingResult FitStream(TrainerOptions options, MultiTaskDataset data, int buffer) =>
        new MultiTaskTrainer(Network, options).Fit(new DatasetRowStream(data), shuffleBufferRows: buffer);

    [Test]
    public void ResumingAStreamedRun_OnAStreamOfOtherRows_IsRefused_NamingIt()
    {
        FitStream(Options(new CheckpointOptions(CheckpointPath) { EverySteps = 5 }), ShardedTrainingData.Dense(500), buffer: 100);
        var changed = ShardedTrainingData.Dense(500);
        changed.Labels[0][321] = 1 - changed.Labels[0][321];
        Assert.That(() => FitStream(Options(new CheckpointOptions(CheckpointPath) { Resume = true }), changed, buffer: 100),
            Throws.ArgumentException.With.Message.Contains("training data (SHA-256)"));
    }

    [Test]
    public void ResumingAStreamedRun_WithAnotherBuffer_OrInMemory_IsRefused_NamingIt()
    {
        FitStream(Options(new CheckpointOptions(CheckpointPath) { EverySteps = 5 }), ShardedTrainingData.Dense(500), buffer: 100);
        var resume = Options(new CheckpointOptions(CheckpointPath) { Resume = true });
        Assert.That(() => FitStream(resume, ShardedTrainingData.Dense(500), buffer: 120),
            Throws.ArgumentException.With.Message.Contains("shuffle buffer rows 100; this run has 120"));
        Assert.That(() => Fit(resume), Throws.ArgumentException.With.Message.Contains("shuffle buffer rows 100; this run has none"));
    }
}
