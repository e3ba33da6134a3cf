using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MlNetMtl.Tests.Cli;

namespace MlNetMtl.Tests.Training.Distributed;

/// <summary>
/// <c>mpiexec -n 2 mlnet-mtl train --distributed mpi</c> with the system's Open MPI, through the real CLI: the model of one
/// process with two threads, to the bit (one-hot first layer, embedding table); a process that hangs ends the job at the
/// timeout with the exchange named; a process that is killed ends it; a process mpiexec started without --distributed
/// is refused. Run with each MPI the system has (the binding knows both ABIs); skipped, with a message, for one that is not
/// installed (.ci/run installs both).
/// </summary>
[NonParallelizable]
[TestFixture(Mpi.OpenMpi)]
[TestFixture(Mpi.Mpich)]
public class MpiTrainingTests(MpiTrainingTests.Mpi mpi) : TemporaryFolderTests
{
    /// <summary>An MPI implementation: its launcher, how it tells a process its rank, what it says when a process is killed.</summary>
    public enum Mpi
    {
        OpenMpi,
        Mpich,
    }

    private string _data = "";

    private string LauncherName => mpi == Mpi.OpenMpi ? "mpiexec.openmpi" : "mpiexec.mpich";
    private string RankVariable => mpi == Mpi.OpenMpi ? "OMPI_COMM_WORLD_RANK" : "PMI_RANK";

    [SetUp]
    public void WriteData()
    {
        if (Launcher() is null)
            Assert.Ignore($"{mpi}'s launcher ({LauncherName}) is not installed: apt-get install {(mpi == Mpi.OpenMpi ? "openmpi-bin libopenmpi-dev" : "mpich")} (.ci/run does).");
        _data = ClickLog.Write(Folder);
    }

    private string? Launcher() => Environment.GetEnvironmentVariable("PATH")?.Split(':').Select(d => Path.Combine(d, LauncherName)).FirstOrDefault(File.Exists);

    /// <summary><c>mpiexec -n 2 dotnet mlnet-mtl.dll args…</c>, allowed to run as root (CI's user here).</summary>
    private Process StartJob(params string[] args)
    {
        var start = CliProcess.StartInfo(null, args);
        var job = new ProcessStartInfo(Launcher()!) { RedirectStandardOutput = true, RedirectStandardError = true };
        string[] launch = mpi == Mpi.OpenMpi ? ["-n", "2", "--oversubscribe"] : ["-n", "2"];
        foreach (string arg in launch.Append(start.FileName).Concat(start.ArgumentList))
            job.ArgumentList.Add(arg);
        job.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
        job.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
        return Process.Start(job)!;
    }

    /// <summary>Waits for the job and gives its exit code and standard output and error.</summary>
    private static (int Exit, string Output, TimeSpan Took) Finish(Process job, Task<string> output, Task<string> error, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        bool ended = job.WaitForExit(limit);
        if (!ended)
            job.Kill(entireProcessTree: true);
        Assert.That(ended, Is.True, $"the job did not end within {limit.TotalSeconds} s");
        return (job.ExitCode, output.Result + error.Result, clock.Elapsed);
    }

    private string[] Train(string model, int epochs, params string[] more) =>
        ["train", "-d", _data, "--task", "click:click:binary", "--epochs", epochs.ToString(CultureInfo.InvariantCulture), "--patience", "0", "--seed", "7", "-o", Path.Combine(Folder, model), .. more];

    [TestCase("OneHot", "SharedBottom")]
    [TestCase("Embedding", "SharedBottom")]
    [TestCase("Embedding", "MMoE")]
    public void TwoProcesses_TrainTheModelOfOneProcessWithTwoThreads(string encoder, string architecture)
    {
        using var job = StartJob(Train("mpi.zip", 3, "--encoder", encoder, "--architecture", architecture, "--distributed", "mpi"));
        var (exit, output, _) = Finish(job, job.StandardOutput.ReadToEndAsync(), job.StandardError.ReadToEndAsync(), TimeSpan.FromMinutes(3));
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("Rank 0 of 2 processes; each trains on its shard of every mini-batch."));
        // Open MPI forwards a rank's output through a terminal: the log gets no colour codes (the runtime's one keypad
        // sequence as the process starts aside), and epoch lines unwrapped.
        Assert.That(Regex.Replace(output, "\u001b(\\[\\?1h|=)", "").Contains('\u001b', StringComparison.Ordinal), Is.False, output.Replace("\u001b", "ESC"));
        Assert.That(Regex.Matches(output, "epoch +[0-9]+ .*train .*validation .* s").Count, Is.EqualTo(3), output);
        Assert.That(Regex.Count(output, "Saved the model"), Is.EqualTo(1), "rank 0 alone writes");
        var (threads, threadsOutput) = CliProcess.Run(Train("threads.zip", 3, "--encoder", encoder, "--architecture", architecture, "--threads", "2"));
        Assert.That(threads, Is.EqualTo(0), threadsOutput);
        string Predictions(string model) => ClickLog.Predictions(Path.Combine(Folder, model), _data);
        string expected = Predictions("threads.zip");
        Assert.That(Predictions("mpi.zip"), Is.EqualTo(expected), "the same bits as two threads");
        var (one, _) = CliProcess.Run(Train("one.zip", 3, "--encoder", encoder, "--architecture", architecture, "--threads", "1"));
        Assert.That(one, Is.EqualTo(0));
        Assert.That(Predictions("one.zip"), Is.Not.EqualTo(expected), "one thread sums in another order: the comparison can tell");
    }

    /// <summary>The process of rank 1 stopped (SIGSTOP) or killed (SIGKILL) after the first epoch.</summary>
    [TestCase("STOP", "error: Rank 0 of 2: the other processes did not take part in the ", 1)]
    [TestCase("KILL", "killed", -1)]
    public void AProcessThatHangsOrDies_EndsTheJob_WithinTheTimeout(string signal, string message, int exit)
    {
        using var job = StartJob(Train("faulty.zip", 1000, "--distributed", "mpi", "--distributed-timeout", "4"));
        var error = job.StandardError.ReadToEndAsync();
        var output = new StringBuilder();
        // Rank 0 prints each epoch: once one is done, both processes are training.
        while (job.StandardOutput.ReadLine() is { } line)
        {
            output.AppendLine(line);
            if (line.Contains("epoch", StringComparison.Ordinal))
                break;
        }
        int rank1 = RankProcess(job.Id, 1);
        using (var kill = Process.Start("kill", [$"-{signal}", rank1.ToString(CultureInfo.InvariantCulture)]))
            kill.WaitForExit();
        var (code, text, took) = Finish(job, job.StandardOutput.ReadToEndAsync(), error, TimeSpan.FromSeconds(60));
        TestContext.Out.WriteLine($"ended {took.TotalSeconds:F1} s after SIG{signal}, exit {code}:\n{text}");
        Assert.That(text, Does.Contain(message).IgnoreCase);
        Assert.That(code, exit < 0 ? Is.Not.EqualTo(0) : Is.EqualTo(exit), text);
        Assert.That(took, Is.LessThan(TimeSpan.FromSeconds(30)), $"well within the timeout and mpiexec's own clean-up:\n{text}");
        Assert.That(File.Exists(Path.Combine(Folder, "faulty.zip")), Is.False, "no model was written");
        try
        {
            Process.GetProcessById(rank1).Kill(); // a stopped process that mpiexec left behind
        }
        catch (ArgumentException)
        {
        }
    }

    [Test]
    public void AJobWhoseProcessWasKilled_ResumedFromItsCheckpoint_SavesTheUninterruptedModel()
    {
        string[] Run(string model, params string[] more) =>
            Train(model, 60, ["--encoder", "Embedding", "--dropout", "0.1", "--distributed", "mpi", "--distributed-timeout", "10", .. more]);
        string checkpoint = Path.Combine(Folder, "run.zip.checkpoint");
        using (var job = StartJob(Run("run.zip", "--checkpoint-every", "5")))
        {
            var error = job.StandardError.ReadToEndAsync();
            ResumeCommandTests.AwaitCheckpoint(job, checkpoint);
            using (var kill = Process.Start("kill", ["-KILL", RankProcess(job.Id, 1).ToString(CultureInfo.InvariantCulture)]))
                kill.WaitForExit();
            var (code, text, _) = Finish(job, job.StandardOutput.ReadToEndAsync(), error, TimeSpan.FromSeconds(60));
            TestContext.Out.WriteLine($"killed job, exit {code}:\n{text}");
            Assert.That(code, Is.Not.EqualTo(0));
        }
        Assert.That(File.Exists(Path.Combine(Folder, "run.zip")), Is.False, "no model was written");

        using var resumed = StartJob(Run("run.zip", "--resume"));
        var (exit, output, _) = Finish(resumed, resumed.StandardOutput.ReadToEndAsync(), resumed.StandardError.ReadToEndAsync(), TimeSpan.FromMinutes(3));
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain($"Resuming the run of checkpoint {checkpoint}."));
        Assert.That(File.Exists(checkpoint), Is.False, "deleted once the model is saved");
        var (threads, threadsOutput) = CliProcess.Run(Train("threads.zip", 60, "--encoder", "Embedding", "--dropout", "0.1", "--threads", "2"));
        Assert.That(threads, Is.EqualTo(0), threadsOutput);
        Assert.That(ClickLog.Predictions(Path.Combine(Folder, "run.zip"), _data), Is.EqualTo(ClickLog.Predictions(Path.Combine(Folder, "threads.zip"), _data)),
            "the model of two threads never interrupted");
    }

    [Test]
    public void AProcessMpiexecStarted_WithoutDistributed_IsRefused()
    {
        using var job = StartJob(Train("alone.zip", 3));
        var (exit, output, _) = Finish(job, job.StandardOutput.ReadToEndAsync(), job.StandardError.ReadToEndAsync(), TimeSpan.FromMinutes(2));
        Assert.That(exit, Is.Not.EqualTo(0));
        Assert.That(output, Does.Contain("This process was started by an MPI launcher (mpiexec), but --distributed is None: every copy would train alone and write the same file. Add --distributed mpi."));
    }

    /// <summary>The process of <paramref name="rank"/> among the descendants of the launcher <paramref name="launcher"/> (its environment names its rank).</summary>
    private int RankProcess(int launcher, int rank)
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            foreach (var directory in Directory.GetDirectories("/proc").Select(Path.GetFileName).Where(d => d!.All(char.IsDigit)))
            {
                int pid = int.Parse(directory!, CultureInfo.InvariantCulture);
                try
                {
                    string environment = File.ReadAllText($"/proc/{pid}/environ");
                    if (environment.Contains($"{RankVariable}={rank}\0", StringComparison.Ordinal) && DescendsFrom(pid, launcher))
                        return pid;
                }
                catch (Exception error) when (error is IOException or UnauthorizedAccessException)
                {
                }
            }
            Thread.Sleep(100);
        }
        throw new InvalidOperationException($"No process of rank {rank} under launcher {launcher}.");
    }

    private static bool DescendsFrom(int pid, int ancestor)
    {
        for (int guard = 0; guard < 20 && pid > 1; guard++)
        {
            if (pid == ancestor)
                return true;
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            pid = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
        }
        return pid == ancestor;
    }
}
