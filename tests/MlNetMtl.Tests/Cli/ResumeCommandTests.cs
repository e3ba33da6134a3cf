using System.Diagnostics;
using System.Globalization;

namespace MlNetMtl.Tests.Cli;

/// <summary>
/// <c>mlnet-mtl train --checkpoint-every N</c> killed with SIGKILL mid-run, then the same command with <c>--resume</c>:
/// the model of the run never interrupted, to the bit — training in memory, or streamed through a shuffle buffer of a
/// third of the rows; the checkpoint deleted once the model is saved.
/// </summary>
[NonParallelizable]
public class ResumeCommandTests : TemporaryFolderTests
{
    private string[] Train(string model, params string[] more) =>
        ["train", "-d", Path.Combine(Folder, "clicks.csv"), "--task", "click:click:binary", "--epochs", "60", "--patience", "0", "--seed", "7", "--threads", "2",
            "--encoder", "Embedding", "--dropout", "0.1", "-o", Path.Combine(Folder, model), .. more];

    /// <summary>Reads <paramref name="process"/>'s output until an epoch is reported and <paramref name="checkpoint"/> exists.</summary>
    internal static string AwaitCheckpoint(Process process, string checkpoint)
    {
        var output = new System.Text.StringBuilder();
        bool epoch = false;
        while (!(epoch && File.Exists(checkpoint)) && process.StandardOutput.ReadLine() is { } line)
        {
            output.AppendLine(line);
            epoch |= line.Contains("epoch", StringComparison.Ordinal);
        }
        Assert.That(File.Exists(checkpoint), $"a checkpoint was written before the run ended:\n{output}");
        return output.ToString();
    }

    [TestCase]
    [TestCase("--shuffle-buffer-rows", "1000")]
    public void AKilledRun_ResumedFromItsCheckpoint_SavesTheUninterruptedModel(params string[] reading)
    {
        string data = ClickLog.Write(Folder);
        string[] Train(string model, params string[] more) => this.Train(model, [.. reading, .. more]);
        var (full, fullOutput) = CliProcess.Run(Train("full.zip"));
        Assert.That(full, Is.EqualTo(0), fullOutput);

        string model = Path.Combine(Folder, "run.zip"), checkpoint = model + ".checkpoint";
        using (var run = Process.Start(CliProcess.StartInfo(null, Train("run.zip", "--checkpoint-every", "5")))!)
        {
            // Killed without a chance to print anything: the first lines said how to continue.
            Assert.That(AwaitCheckpoint(run, checkpoint), Does.Contain($"Checkpoints every 5 steps to {checkpoint}; should this run be stopped, the same command with --resume continues it."));
            run.Kill();
            run.WaitForExit();
        }
        Assert.That(File.Exists(model), Is.False, "killed before the model was written");
        var saved = File.ReadAllBytes(checkpoint);

        // Resumed with another setting: refused in one line naming it, the checkpoint kept as it was.
        var (refused, _, refusal) = CliProcess.RunSeparately(null, Train("run.zip", "--resume", "--learning-rate", "0.003"));
        Assert.That(refused, Is.EqualTo(1));
        Assert.That(refusal.Trim(), Does.StartWith($"error: Checkpoint '{checkpoint}' was saved by a run with --learning-rate 0.001; this run has 0.003.").And.Not.Contain("\n"));
        Assert.That(File.ReadAllBytes(checkpoint), Is.EqualTo(saved));
        if (reading.Length > 0)
        {
            // A streamed run resumed in memory (the flag forgotten): refused the same way.
            var (inMemory, _, inMemoryRefusal) = CliProcess.RunSeparately(null, this.Train("run.zip", "--resume"));
            Assert.That(inMemory, Is.EqualTo(1));
            Assert.That(inMemoryRefusal.Trim(), Does.StartWith($"error: Checkpoint '{checkpoint}' was saved by a run with shuffle buffer rows {reading[1]}; this run has none.").And.Not.Contain("\n"));
            Assert.That(File.ReadAllBytes(checkpoint), Is.EqualTo(saved));
        }

        var (exit, output) = CliProcess.Run(Train("run.zip", "--resume"));
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain($"Resuming the run of checkpoint {checkpoint}."));
        Assert.That(output.Contains("read again up to the checkpoint's position", StringComparison.Ordinal), Is.EqualTo(reading.Length > 0), "a streamed run says it reads its rows again");
        Assert.That(output, Does.Contain($"Deleted checkpoint {checkpoint}: the model is saved."));
        Assert.That(File.Exists(checkpoint), Is.False);
        Assert.That(ClickLog.Predictions(model, data), Is.EqualTo(ClickLog.Predictions(Path.Combine(Folder, "full.zip"), data)));
        Assert.That(Directory.GetFiles(Folder, "*.tmp", SearchOption.AllDirectories), Is.Empty, "no temporary file is left");
    }

    [Test]
    public void AnInterruptedRun_SaysHowToResume()
    {
        ClickLog.Write(Folder);
        string checkpoint = Path.Combine(Folder, "run.zip.checkpoint");
        using var run = Process.Start(CliProcess.StartInfo(null, Train("run.zip", "--checkpoint-every", "5")))!;
        var error = run.StandardError.ReadToEndAsync();
        AwaitCheckpoint(run, checkpoint);
        using (var interrupt = Process.Start("kill", ["-INT", run.Id.ToString(CultureInfo.InvariantCulture)]))
            interrupt.WaitForExit();
        run.StandardOutput.ReadToEnd();
        Assert.That(run.WaitForExit(TimeSpan.FromMinutes(1)), Is.True);
        Assert.That(run.ExitCode, Is.EqualTo(130));
        Assert.That(error.Result, Does.Contain($"stopped before finishing; the run can continue from its last checkpoint '{checkpoint}': the same command with --resume."));
    }
}
