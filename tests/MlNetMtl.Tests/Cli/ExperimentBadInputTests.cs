using System.Globalization;
using MlNetMtl.Tests.Datasets;

namespace MlNetMtl.Tests.Cli;

/// <summary>Bad input to <c>mlnet-mtl experiment</c>: a clear message, exit code 1, and no output folder (finished or partial) left behind.</summary>
[NonParallelizable]
public class ExperimentBadInputTests
{
    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("mlnet-mtl-bad-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    /// <summary>Clicks and purchases (a purchase only after a click), a user id, a category and a price.</summary>
    private string Funnel(string name, int rows, Func<int, string>? clickOverride = null)
    {
        var random = new Random(2);
        var lines = new List<string> { "user,category,price,click,purchase" };
        for (int r = 0; r < rows; r++)
        {
            int category = random.Next(5);
            double price = random.NextDouble() * 100;
            bool click = random.NextDouble() < (category < 2 ? 0.6 : 0.2);
            bool purchase = click && random.NextDouble() < price / 150;
            lines.Add(string.Join(',', $"u{r % 60}", $"c{category}", price.ToString("F2", CultureInfo.InvariantCulture), clickOverride?.Invoke(r) ?? (click ? "1" : "0"), purchase ? "1" : "0"));
        }
        string path = Path.Combine(_directory, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private (int Exit, string Output) Experiment(string data, params string[] more) =>
        CliProcess.Run(["experiment", "-d", data, "-o", Path.Combine(_directory, "out"), .. more]);

    private void AssertNothingWritten()
    {
        Assert.That(Directory.GetDirectories(_directory), Is.Empty, "no output folder, finished or partial");
    }

    [Test]
    public void AnUnknownTaskColumn_IsNamed()
    {
        var (exit, output) = Experiment(Funnel("f.csv", 200), "--task", "click:Clicked:binary");
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output, Does.Contain("error: Column 'Clicked' is not in the header").And.Contain("click, purchase"));
        AssertNothingWritten();
    }

    [Test]
    public void ANonBinaryLabelOfABinaryTask_IsNamed()
    {
        var (exit, output) = Experiment(Funnel("f.csv", 400, r => r == 57 ? "2" : null), "--task", "click:click:binary", "--train-time", "30");
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output, Does.Contain("error:").And.Contain("'click'").And.Contain("2 is not 0 or 1"));
        AssertNothingWritten();
    }

    [Test]
    public void AnEmptyFile_IsNamed()
    {
        string empty = Path.Combine(_directory, "empty.csv");
        File.WriteAllText(empty, "");
        var (exit, output) = Experiment(empty, "--task", "click:click:binary");
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output, Does.Contain("error:").And.Contain("is empty"));
        Assert.That(Directory.GetDirectories(_directory), Is.Empty);
    }

    [Test]
    public void ABudgetTooSmallForOneTrial_SaysSo()
    {
        var (exit, output) = Experiment(SharedData.File("adult", "adult.data"), "--format", "Adult", "--train-time", "1");
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output, Does.Contain("budget ended before any trial finished").And.Contain("--train-time"));
        AssertNothingWritten();
    }

    [Test]
    public void AChainAddsEsmmAndAitm_AndAGroupColumnGivesGauc()
    {
        var (exit, output) = Experiment(Funnel("f.csv", 3_000), "--task", "click:click:binary", "--task", "purchase:purchase:binary", "--chain", "click>purchase",
            "--group-col", "user", "--train-time", "12", "--baselines", "false", "--max-epochs", "5");
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("SharedBottom, MMoE, PLE, ESMM, AITM"));
        Assert.That(output, Does.Contain("Columns of f.csv").And.Contain("Categorical").And.Contain("Numeric"));
        Assert.That(output, Does.Contain("GAUC click:").And.Contain("groups"));
        var trials = File.ReadAllLines(Path.Combine(_directory, "out", "trials.csv"));
        Assert.That(trials.Any(l => l.Contains(",ESMM,")) || trials.Length < 5, "ESMM is tried among the first trials");
    }

    [Test]
    public void AChainNamingAnUnknownTask_IsNamed()
    {
        var (exit, output) = Experiment(Funnel("f.csv", 200), "--task", "click:click:binary", "--task", "purchase:purchase:binary", "--chain", "click>buy");
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output, Does.Contain("--chain names 'buy', which is not a task"));
        AssertNothingWritten();
    }
}
