using System.Globalization;
using MlNetMtl.Tests.Datasets;

namespace MlNetMtl.Tests.Cli;

/// <summary>
/// <c>mlnet-mtl experiment</c> on small CSV files: chains, group columns and multiclass tasks; and bad input, which gets a
/// clear message, exit code 1, and no output folder (finished or partial) left behind.
/// </summary>
[NonParallelizable]
public class ExperimentCsvTests : TemporaryFolderTests
{
    /// <summary>Clicks and purchases (a purchase only after a click), a user id, a category and a price.</summary>
    private string Funnel(string name, int rows, Func<int, string?>? clickOverride = null)
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
        string path = Path.Combine(Folder, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private (int Exit, string Output) Experiment(string data, params string[] more) =>
        CliProcess.Run(["experiment", "-d", data, "-o", Path.Combine(Folder, "out"), .. more]);

    private void AssertNothingWritten()
    {
        Assert.That(Directory.GetDirectories(Folder), Is.Empty, "no output folder, finished or partial");
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
        string empty = Path.Combine(Folder, "empty.csv");
        File.WriteAllText(empty, "");
        var (exit, output) = Experiment(empty, "--task", "click:click:binary");
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output, Does.Contain("error:").And.Contain("is empty"));
        Assert.That(Directory.GetDirectories(Folder), Is.Empty);
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
        var trials = File.ReadAllLines(Path.Combine(Folder, "out", "trials.csv"));
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

    [Test]
    public void AMulticlassTask_IsSearched_ReportedByAccuracy_AndHasGeneratedOutputs()
    {
        var random = new Random(4);
        var lines = new List<string> { "x1,x2,color,segment,click" };
        string[] segments = ["low", "mid", "high"];
        for (int r = 0; r < 2_000; r++)
        {
            double x1 = random.NextDouble(), x2 = random.NextDouble();
            int segment = x1 + 0.3 * random.NextDouble() < 0.45 ? 0 : x1 < 0.8 ? 1 : 2;
            string color = segments[random.Next(3)] == "low" ? "red" : "blue";
            lines.Add(string.Join(',', x1.ToString("F3", CultureInfo.InvariantCulture), x2.ToString("F3", CultureInfo.InvariantCulture), color, segments[segment],
                x2 + 0.2 * random.NextDouble() > 0.6 ? 1 : 0));
        }
        string path = Path.Combine(Folder, "segments.csv");
        File.WriteAllLines(path, lines);

        var (exit, output) = Experiment(path, "--task", "segment:segment:multiclass", "--task", "click:click:binary", "--train-time", "8", "--max-epochs", "8");
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("segment accuracy").And.Contain("click AUC"));
        Assert.That(output, Does.Contain("baseline LightGBM single-task click").And.Not.Contain("single-task segment"), "baselines are per binary/regression task");
        string consumption = File.ReadAllText(Path.Combine(Folder, "out", "Model.consumption.cs"));
        Assert.That(consumption, Does.Contain("[ColumnName(\"segment.Score\")] public float[] SegmentScore").And.Contain("public uint SegmentPredictedLabel"));
        Assert.That(File.ReadAllLines(Path.Combine(Folder, "out", "trials.csv"))[0], Does.Contain("segment accuracy"));

        // The generated code names the predicted class as the CLI does.
        var assembly = GeneratedCode.Compile(Path.Combine(Folder, "out", "Model.consumption.cs"), Path.Combine(Folder, "out", "Model.training.cs"));
        var input = Activator.CreateInstance(assembly.GetType("MlNetMtl.Generated.ModelInput")!)!;
        input.GetType().GetProperty("X1")!.SetValue(input, 0.9f);
        input.GetType().GetProperty("X2")!.SetValue(input, 0.2f);
        input.GetType().GetProperty("Color")!.SetValue(input, "blue");
        var model = assembly.GetType("MlNetMtl.Generated.Model")!;
        model.GetProperty("ModelPath")!.SetValue(null, Path.Combine(Folder, "out", "model.zip"));
        var prediction = model.GetMethod("Predict")!.Invoke(null, [input])!;
        Assert.That(prediction.GetType().GetProperty("SegmentClasses")!.GetValue(null), Is.EqualTo(new[] { "high", "low", "mid" }));
        Assert.That(prediction.GetType().GetProperty("SegmentPredictedClass")!.GetValue(prediction), Is.EqualTo("high"), "x1 = 0.9 is the high segment");
    }

    [Test]
    public void AnEncoderGivenOnTheCommandLine_IsEveryTrials_AndTheGeneratedTrainingCodeCompilesWithIt()
    {
        var (exit, output) = Experiment(Funnel("f.csv", 600), "--task", "click:click:binary", "--task", "purchase:purchase:binary",
            "--encoder", "Embedding", "--interaction", "Cross", "--cross-layers", "1", "--train-time", "8", "--max-epochs", "4", "--baselines", "false");
        Assert.That(exit, Is.EqualTo(0), output);
        string training = File.ReadAllText(Path.Combine(Folder, "out", "Model.training.cs"));
        Assert.That(training, Does.Contain("Encoding = InputEncoding.Embedding").And.Contain("Interaction = FeatureInteraction.Cross").And.Contain("CrossLayers = 1")
            .And.Contain("using MlNetMtl.Networks.Encoders;"));
        var assembly = GeneratedCode.Compile(Path.Combine(Folder, "out", "Model.consumption.cs"), Path.Combine(Folder, "out", "Model.training.cs"));
        Assert.That(assembly.GetType("MlNetMtl.Generated.ModelTraining")!.GetMethod("Pipeline"), Is.Not.Null);
    }
}
