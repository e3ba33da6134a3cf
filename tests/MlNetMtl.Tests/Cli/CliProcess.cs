using System.Diagnostics;

namespace MlNetMtl.Tests.Cli;

/// <summary>Runs the built CLI (mlnet-mtl.dll beside the tests) in its own process.</summary>
internal static class CliProcess
{
    /// <summary>The exit code and standard output followed by standard error.</summary>
    public static (int Exit, string Output) Run(params string[] args)
    {
        var (exit, output, error) = RunSeparately(null, args);
        return (exit, output + error);
    }

    /// <summary>The exit code, standard output and standard error of a run in <paramref name="workingDirectory"/> (null: the current one).</summary>
    public static (int Exit, string Output, string Error) RunSeparately(string? workingDirectory, params string[] args)
    {
        using var process = Process.Start(StartInfo(workingDirectory, args))!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.That(process.WaitForExit(TimeSpan.FromMinutes(5)), Is.True, "the CLI process did not finish");
        return (process.ExitCode, stdout, stderr.Result);
    }

    /// <summary>How the CLI is started: <c>dotnet mlnet-mtl.dll args…</c>, output redirected.</summary>
    public static ProcessStartInfo StartInfo(string? workingDirectory, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? "" };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mlnet-mtl.dll"));
        foreach (string arg in args)
            start.ArgumentList.Add(arg);
        return start;
    }
}
