using System.CommandLine;
using MlNetMtl.Cli;

namespace MlNetMtl.Tests.Cli;

/// <summary>The README's main command and the generator command, run in-process on small data.</summary>
[NonParallelizable]
public class CliTests
{
    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var (previousOut, previousError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            int exit = CliApp.Create().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
            return (exit, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(previousOut);
            Console.SetError(previousError);
        }
    }

    [Test]
    public void Demo_TrainsAndReportsHeldOutAucPerTask()
    {
        var (exit, output, _) = Run("demo", "--rows", "4000", "--epochs", "4", "--dimension", "20");
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("epoch   1").And.Contain("task1    AUC 0.").And.Contain("task2    AUC 0.").And.Contain("samples/s"));
    }

    [Test]
    public void Demo_Regression_ReportsMse()
    {
        var (exit, output, _) = Run("demo", "--rows", "2000", "--epochs", "2", "--dimension", "10", "--kind", "Regression", "--tower", "");
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("MSE").And.Contain("label variance"));
    }

    [Test]
    public void Demo_BadWidth_FailsNamingIt()
    {
        var (exit, output, error) = Run("demo", "--rows", "100", "--bottom", "64,x");
        Assert.That(exit, Is.Not.EqualTo(0));
        Assert.That(output + error, Does.Contain("'x' in '64,x' is not a layer width"));
    }

    [Test]
    public void Generate_WritesCsvWithHeaderAndRows()
    {
        string path = Path.Combine(Path.GetTempPath(), $"mlnet-mtl-{Guid.NewGuid():N}.csv");
        try
        {
            var (exit, output, _) = Run("generate", "--rows", "25", "--dimension", "4", "-o", path);
            Assert.That(exit, Is.EqualTo(0), output);
            var lines = File.ReadAllLines(path);
            Assert.That(lines[0], Is.EqualTo("f0,f1,f2,f3,task1,task2"));
            Assert.That(lines, Has.Length.EqualTo(26));
            Assert.That(lines.Skip(1).All(l => l.Split(',').Length == 6 && l.Split(',')[4] is "0" or "1"));
            Assert.That(File.Exists(path + ".tmp"), Is.False);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
