using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace MlNetMtl.Tests.Cli;

/// <summary>
/// Ctrl-C in the middle of the work: train, predict and experiment stop, say so with exit code 130, leave the previous
/// outputs byte for byte as they were and no temporary file or staging folder behind.
/// </summary>
[NonParallelizable]
public class InterruptionTests
{
    private const int SigInt = 2;
    private string _directory = null!;
    private string _data = null!;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    [OneTimeSetUp]
    public void WriteData()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            Assert.Ignore("Sending SIGINT to a child process needs a POSIX system.");
        _directory = Directory.CreateTempSubdirectory("mlnet-mtl-interrupt-").FullName;
        _data = Path.Combine(_directory, "rows.csv");
        var random = new Random(1);
        var lines = new List<string> { "a,b,c,group,click" };
        for (int r = 0; r < 60_000; r++)
        {
            double a = random.NextDouble(), b = random.NextDouble(), c = random.NextDouble();
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{a:F4},{b:F4},{c:F4},g{random.Next(5)},{(a + b * random.NextDouble() > 0.8 ? 1 : 0)}"));
        }
        File.WriteAllLines(_data, lines);
    }

    [OneTimeTearDown]
    public void Delete()
    {
        if (_directory is not null)
            Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Starts the CLI, waits until a line of its output satisfies <paramref name="ready"/>, sends SIGINT, and returns the exit code and output.</summary>
    private static (int Exit, string Output) Interrupt(Func<string, bool> ready, params string[] args)
    {
        using var process = Process.Start(CliProcess.StartInfo(null, args))!;
        var output = new System.Text.StringBuilder();
        using var seen = new ManualResetEventSlim();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (output)
                output.AppendLine(e.Data);
            if (ready(e.Data))
                seen.Set();
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                lock (output)
                    output.AppendLine(e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Assert.That(seen.Wait(TimeSpan.FromMinutes(2)), Is.True, "the command never reached the point to interrupt:\n" + output);
        Assert.That(kill(process.Id, SigInt), Is.Zero, "kill(SIGINT)");
        Assert.That(process.WaitForExit(TimeSpan.FromMinutes(1)), Is.True, "the command did not stop after SIGINT:\n" + output);
        process.WaitForExit();
        lock (output)
            return (process.ExitCode, output.ToString());
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>Hidden temporary files and staging folders a command may have left.</summary>
    private string[] Leftovers() => Directory.EnumerateFileSystemEntries(_directory, ".*", SearchOption.AllDirectories)
        .Where(p => !Path.GetFileName(p).Equals(".mlnet-mtl-experiment", StringComparison.Ordinal)).ToArray();

    [Test]
    public void Train_StopsBetweenMiniBatches_AndKeepsThePreviousModel()
    {
        string model = Path.Combine(_directory, "model.zip");
        File.WriteAllText(model, "the previous model");
        var (exit, output) = Interrupt(line => line.Contains("epoch   2"),
            "train", "-d", _data, "--task", "click:click:binary", "--epochs", "500", "--patience", "0", "--bottom", "64", "-o", model);
        Assert.That(exit, Is.EqualTo(130), output);
        Assert.That(output, Does.Contain("Interrupted by SIGINT (Ctrl-C): stopped before finishing; nothing was written."));
        Assert.That(File.ReadAllText(model), Is.EqualTo("the previous model"));
        Assert.That(Leftovers(), Is.Empty);
    }

    [Test]
    public void Predict_StopsWhileWriting_AndKeepsThePreviousPredictions()
    {
        string model = Path.Combine(_directory, "small.zip"), predictions = Path.Combine(_directory, "predictions.csv");
        var trained = CliProcess.Run("train", "-d", _data, "--task", "click:click:binary", "--epochs", "1", "--bottom", "8", "--tower", "4", "-o", model);
        Assert.That(trained.Exit, Is.EqualTo(0), trained.Output);
        string big = Path.Combine(_directory, "big.csv");
        File.WriteAllLines(big, File.ReadLines(_data).Take(1).Concat(Enumerable.Repeat(File.ReadLines(_data).Skip(1), 40).SelectMany(l => l)));
        File.WriteAllText(predictions, "the previous predictions");
        string hash = Hash(predictions);
        using var watcher = new FileSystemWatcher(_directory, ".predictions.csv.*.tmp");
        // predict prints nothing until done: interrupt once its temporary file exists.
        var started = new ManualResetEventSlim();
        watcher.Created += (_, _) => started.Set();
        watcher.EnableRaisingEvents = true;
        int exit;
        string output;
        using (var process = Process.Start(CliProcess.StartInfo(null, ["predict", "-m", model, "-d", big, "-o", predictions]))!)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            Assert.That(started.Wait(TimeSpan.FromMinutes(2)), Is.True, "predict never started writing");
            Assert.That(kill(process.Id, SigInt), Is.Zero);
            Assert.That(process.WaitForExit(TimeSpan.FromMinutes(1)), Is.True);
            (exit, output) = (process.ExitCode, stdout.Result + stderr.Result);
        }
        Assert.That(exit, Is.EqualTo(130), output);
        Assert.That(Hash(predictions), Is.EqualTo(hash));
        Assert.That(Leftovers(), Is.Empty);
    }

    [Test]
    public void Experiment_StopsDuringTheSearch_AndKeepsThePreviousFolder()
    {
        string folder = Path.Combine(_directory, "experiment");
        string small = Path.Combine(_directory, "small.csv");
        File.WriteAllLines(small, File.ReadLines(_data).Take(1_500));
        var first = CliProcess.Run("experiment", "-d", small, "--task", "click:click:binary", "--train-time", "3", "--max-epochs", "2", "--baselines", "false", "-o", folder);
        Assert.That(first.Exit, Is.EqualTo(0), first.Output);
        var before = Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToDictionary(p => Path.GetFileName(p)!, Hash);
        var (exit, output) = Interrupt(line => line.Contains("trial   1"),
            "experiment", "-d", _data, "--task", "click:click:binary", "--train-time", "120", "--baselines", "false", "-o", folder);
        Assert.That(exit, Is.EqualTo(130), output);
        Assert.That(Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToDictionary(p => Path.GetFileName(p)!, Hash), Is.EqualTo(before));
        Assert.That(Leftovers(), Is.Empty);
    }
}
