using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Cli;
using MlNetMtl.Datasets;
using MlNetMtl.MLNet;
using MlNetMtl.Tests.MLNet;

namespace MlNetMtl.Tests.Cli;

/// <summary>The CLI: in-process for output checks, and as a separate process for the train → predict round trip.</summary>
[NonParallelizable]
public class CliTests
{
    private string _directory = null!;

    [OneTimeSetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("mlnet-mtl-cli-").FullName;

    [OneTimeTearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var (previousOut, previousError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            int exit = CliApp.Create().Parse(args).Invoke(new System.CommandLine.InvocationConfiguration { Output = output, Error = error });
            return (exit, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(previousOut);
            Console.SetError(previousError);
        }
    }

    private static (int Exit, string Output) RunProcess(params string[] args) => CliProcess.Run(args);

    private string WriteImpressionsCsv(string name, int rows, int seed)
    {
        string path = Path.Combine(_directory, name);
        var lines = Impressions.Generate(rows, seed).Select(r => string.Join(",", r.Category, r.Age.ToString("R", CultureInfo.InvariantCulture),
            r.Income.ToString("R", CultureInfo.InvariantCulture), r.User, r.Click ? "1" : "0", r.Watch.ToString("R", CultureInfo.InvariantCulture)));
        File.WriteAllLines(path, lines.Prepend("Category,Age,Income,User,Click,Watch"));
        return path;
    }

    [Test]
    public void Demo_TrainsEvaluatesSavesAndReloads()
    {
        string model = Path.Combine(_directory, "demo.zip");
        var (exit, output, error) = Run("demo", "--rows", "4000", "--epochs", "4", "--dimension", "20", "-o", model);
        Assert.That(exit, Is.EqualTo(0), output + error);
        Assert.That(output, Does.Contain("epoch   1").And.Contain("AUC").And.Contain("task1").And.Contain("task2"));
        Assert.That(output, Does.Contain("identical predictions on all 1,000 test rows"));
        Assert.That(File.Exists(model));
    }

    [Test]
    public void Privacy_PrintsTheEpsilonSpent_AndTheNoiseATargetNeeds()
    {
        var (exit, output, error) = Run("privacy", "--sampling-rate", "0.01", "--steps", "50", "--delta", "1e-6", "--noise", "2.5");
        Assert.That(exit, Is.EqualTo(0), output + error);
        double expected = MlNetMtl.Training.Privacy.RdpAccountant.EpsilonFor(0.01, 2.5, 50, 1e-6);
        Assert.That(output, Does.Contain($"ε = {expected.ToString("G4", System.Globalization.CultureInfo.InvariantCulture)} at δ = 1E-06"));
        (exit, output, error) = Run("privacy", "-q", "0.004", "--steps", "5000", "--delta", "1e-6", "--epsilon", "3");
        Assert.That(exit, Is.EqualTo(0), output + error);
        Assert.That(output, Does.Match(@"σ = 0\.8\d+ gives ε = 3 ≤ 3 at δ = 1E-06"));
    }

    [Test]
    public void Demo_Regression_ReportsRmse()
    {
        var (exit, output, error) = Run("demo", "--rows", "2000", "--epochs", "2", "--dimension", "10", "--kind", "Regression", "--tower", "", "-o", Path.Combine(_directory, "r.zip"));
        Assert.That(exit, Is.EqualTo(0), output + error);
        Assert.That(output, Does.Contain("RMSE").And.Contain("Regression"));
    }

    [Test]
    public void BadOptions_FailWithOneLineNamingThem()
    {
        var (exit, output, error) = Run("demo", "--rows", "100", "--bottom", "64,x");
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(error, Does.Contain("error: 'x' in '64,x' is not a layer width"));
        (exit, _, error) = Run("train", "-d", WriteImpressionsCsv("bad.csv", 50, 1), "--task", "click:Nope:binary");
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(error, Does.Contain("'Nope' is not in the header"));
        (exit, _, error) = Run("train", "-d", WriteImpressionsCsv("bad2.csv", 50, 1), "--task", "click:Click:ranking");
        Assert.That(error, Does.Contain("kind 'ranking' is not binary, regression or multiclass"));
    }

    [Test]
    public void TwoThreadsWithDropout_GiveTheSameModelInTwoProcesses()
    {
        string train = WriteImpressionsCsv("determinism.csv", 2000, 3);
        string[] Predictions(string name)
        {
            string model = Path.Combine(_directory, name + ".zip"), predictions = Path.Combine(_directory, name + ".csv");
            var trained = RunProcess("train", "-d", train, "--task", "click:Click:binary", "--ignore-cols", "User", "--epochs", "2",
                "--bottom", "32", "--tower", "8", "--dropout", "0.3", "--threads", "2", "--seed", "11", "-o", model);
            Assert.That(trained.Exit, Is.EqualTo(0), trained.Output);
            var predicted = RunProcess("predict", "-m", model, "-d", train, "-o", predictions);
            Assert.That(predicted.Exit, Is.EqualTo(0), predicted.Output);
            return File.ReadAllLines(predictions);
        }
        Assert.That(Predictions("second"), Is.EqualTo(Predictions("first")), "each worker's dropout seed comes from the run's seed, not from the process");
    }

    [Test]
    public void TrainThenPredict_InSeparateProcesses_MatchesInProcessPredictionsBitForBit()
    {
        string train = WriteImpressionsCsv("train.csv", 3000, 1), score = WriteImpressionsCsv("score.csv", 200, 2);
        string model = Path.Combine(_directory, "model.zip"), predictions = Path.Combine(_directory, "predictions.csv");

        var trained = RunProcess("train", "-d", train, "--task", "click:Click:binary", "--task", "watch:Watch:regression",
            "--ignore-cols", "User", "--epochs", "3", "--bottom", "32", "--tower", "8", "-o", model, "--test-dataset", score);
        Assert.That(trained.Exit, Is.EqualTo(0), trained.Output);
        Assert.That(trained.Output, Does.Contain("click").And.Contain("AUC").And.Contain("Saved the model"));

        var predicted = RunProcess("predict", "-m", model, "-d", score, "-o", predictions);
        Assert.That(predicted.Exit, Is.EqualTo(0), predicted.Output);
        var lines = File.ReadAllLines(predictions);
        Assert.That(lines[0], Is.EqualTo("click.Score,click.Probability,click.PredictedLabel,watch.Score"));
        Assert.That(lines, Has.Length.EqualTo(201));

        var ml = new MLContext();
        var loaded = ml.MultiTask().LoadModel(model, out var schema);
        var scored = loaded.Transform(CsvDataset.LoadForSchema(ml, score, schema));
        var clicks = scored.GetColumn<float>("click.Score").ToArray();
        var watches = scored.GetColumn<float>("watch.Score").ToArray();
        for (int i = 0; i < clicks.Length; i++)
        {
            var cells = lines[i + 1].Split(',');
            Assert.That(float.Parse(cells[0], CultureInfo.InvariantCulture), Is.EqualTo(clicks[i]), $"row {i}");
            Assert.That(float.Parse(cells[3], CultureInfo.InvariantCulture), Is.EqualTo(watches[i]), $"row {i}");
        }

        var evaluated = RunProcess("evaluate", "-m", model, "-d", score, "--group-col", "User");
        Assert.That(evaluated.Exit, Is.EqualTo(0), evaluated.Output);
        Assert.That(evaluated.Output, Does.Contain("watch").And.Contain("GAUC"));
    }

    [Test]
    public void Generate_WritesCsvWithHeaderAndRows()
    {
        string path = Path.Combine(_directory, "generated.csv");
        var (exit, output, _) = Run("generate", "--rows", "25", "--dimension", "4", "-o", path);
        Assert.That(exit, Is.EqualTo(0), output);
        var lines = File.ReadAllLines(path);
        Assert.That(lines[0], Is.EqualTo("f0,f1,f2,f3,task1,task2"));
        Assert.That(lines, Has.Length.EqualTo(26));
        Assert.That(lines.Skip(1).All(l => l.Split(',').Length == 6 && l.Split(',')[4] is "0" or "1"));
        Assert.That(File.Exists(path + ".tmp"), Is.False);
    }
}
