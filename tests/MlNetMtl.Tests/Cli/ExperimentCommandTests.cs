using System.Globalization;
using Microsoft.ML;
using MlNetMtl.Datasets;
using MlNetMtl.Tests.Datasets;
using SkiaSharp;

namespace MlNetMtl.Tests.Cli;

/// <summary>
/// <c>mlnet-mtl experiment</c> on UCI Adult with a short budget, run once as its own process: the leaderboard with the
/// baselines and Δ, the saved model, the report's images, and generated code that compiles and predicts as the CLI does.
/// </summary>
[NonParallelizable]
public class ExperimentCommandTests
{
    private string _directory = null!, _output = null!, _console = null!, _test = null!;
    private int _exit;

    [OneTimeSetUp]
    public void RunOnAdult()
    {
        _directory = Directory.CreateTempSubdirectory("mlnet-mtl-experiment-").FullName;
        _output = Path.Combine(_directory, "adult-run");
        string train;
        try
        {
            train = SharedData.File("adult", "adult.data");
            _test = SharedData.File("adult", "adult.test");
        }
        catch (IgnoreException)
        {
            return; // each test then ignores itself with the same message
        }
        (_exit, _console) = CliProcess.Run("experiment", "--format", "Adult", "-d", train, "--test-dataset", _test, "--train-time", "20", "-o", _output, "--seed", "3");
    }

    [OneTimeTearDown]
    public void Clean() => Directory.Delete(_directory, recursive: true);

    private void RequireRun()
    {
        SharedData.File("adult", "adult.data");
        Assert.That(_exit, Is.EqualTo(0), _console);
    }

    [Test]
    public void TheLeaderboardHasTrialsBaselinesAndTheDelta()
    {
        RequireRun();
        Assert.That(_console, Does.Contain("trial   1").And.Contain("best").And.Contain("s left"));
        Assert.That(_console, Does.Contain("Leaderboard (test rows)").And.Contain("LightGBM (single-task)").And.Contain("FastTree (single-task)"));
        Assert.That(_console, Does.Contain("Δ best multi-task − best single-task"));
        Assert.That(_console, Does.Match(@"[+-]0\.\d{4} AUC \((multi|single)-task better\)"));
        var trials = File.ReadAllLines(Path.Combine(_output, "trials.csv"));
        Assert.That(trials[0], Does.StartWith("trial,architecture,weighting,settings,status,mean-score"), "the default metric covers every task");
        Assert.That(trials.Length, Is.GreaterThanOrEqualTo(3), "at least the first trials ran");
        Assert.That(trials.Skip(1).Count(l => l.Contains(",Completed,")), Is.GreaterThanOrEqualTo(1));
        string report = File.ReadAllText(Path.Combine(_output, "report.md"));
        Assert.That(report, Does.Contain("## Leaderboard").And.Contain("LightGBM").And.Contain("Δ best multi-task"));
    }

    [Test]
    public void TheReportsImagesDecode()
    {
        RequireRun();
        string[] expected = ["roc_income.png", "roc_never_married.png", "loss_income.png", "loss_never_married.png", "task_weights.png", "gates.png"];
        string report = File.ReadAllText(Path.Combine(_output, "report.md"));
        foreach (string image in expected)
        {
            using var bitmap = SKBitmap.Decode(Path.Combine(_output, image));
            Assert.That(bitmap, Is.Not.Null, image);
            Assert.That((bitmap.Width, bitmap.Height), Is.EqualTo((800, 500)), image);
            Assert.That(report, Does.Contain($"]({image})"), $"the report shows {image}");
        }
    }

    [Test]
    public void TheModelLoadsAndPredicts_AndTheGeneratedCodePredictsTheSameAsTheCli()
    {
        RequireRun();
        string predictions = Path.Combine(_directory, "predictions.csv");
        var predicted = CliProcess.Run("predict", "-m", Path.Combine(_output, "model.zip"), "--format", "Adult", "-d", _test, "-o", predictions);
        Assert.That(predicted.Exit, Is.EqualTo(0), predicted.Output);
        var lines = File.ReadAllLines(predictions);
        Assert.That(lines, Has.Length.EqualTo(16_282));
        int incomeScore = Array.IndexOf(lines[0].Split(','), "income.Score"), marriedProbability = Array.IndexOf(lines[0].Split(','), "never_married.Probability");

        var assembly = GeneratedCode.Compile(Path.Combine(_output, "Model.consumption.cs"), Path.Combine(_output, "Model.training.cs"));
        var inputType = assembly.GetType("MlNetMtl.Generated.ModelInput")!;
        var modelType = assembly.GetType("MlNetMtl.Generated.Model")!;
        modelType.GetProperty("ModelPath")!.SetValue(null, Path.Combine(_output, "model.zip"));
        var predict = modelType.GetMethod("Predict")!;

        var ml = new MLContext();
        var rows = AdultDataset.Load(ml, _test).Data;
        var create = typeof(DataOperationsCatalog).GetMethod(nameof(DataOperationsCatalog.CreateEnumerable))!.MakeGenericMethod(inputType);
        var inputs = ((System.Collections.IEnumerable)create.Invoke(ml.Data, [rows, false, false, null])!).Cast<object>().Take(200).ToArray();
        for (int i = 0; i < inputs.Length; i++)
        {
            var output = predict.Invoke(null, [inputs[i]])!;
            var cells = lines[i + 1].Split(',');
            Assert.That((float)output.GetType().GetProperty("IncomeScore")!.GetValue(output)!, Is.EqualTo(float.Parse(cells[incomeScore], CultureInfo.InvariantCulture)), $"row {i}");
            Assert.That((float)output.GetType().GetProperty("NeverMarriedProbability")!.GetValue(output)!, Is.EqualTo(float.Parse(cells[marriedProbability], CultureInfo.InvariantCulture)), $"row {i}");
        }
        Assert.That(assembly.GetType("MlNetMtl.Generated.ModelTraining")!.GetMethod("Pipeline"), Is.Not.Null, "the training code compiles too");
    }
}
