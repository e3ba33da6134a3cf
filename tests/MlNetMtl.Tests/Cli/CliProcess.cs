using System.Diagnostics;

namespace MlNetMtl.Tests.Cli;

/// <summary>Runs the built CLI (mlnet-mtl.dll beside the tests) in its own process.</summary>
internal static class CliProcess
{
    /// <summary>The exit code and standard output followed by standard error.</summary>
    public static (int Exit, string Output) Run(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mlnet-mtl.dll"));
        foreach (string arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.That(process.WaitForExit(TimeSpan.FromMinutes(5)), Is.True, "the CLI process did not finish");
        return (process.ExitCode, stdout + stderr.Result);
    }
}
