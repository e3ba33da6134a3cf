using System.Globalization;

namespace MlNetMtl.Tests.Cli;

/// <summary>
/// Files as users export them, through the real CLI: a text label with its positive value, class names, quoted numbers
/// with spaces and line breaks inside quotes give the predictions of the clean file with 0/1 labels and class indices.
/// </summary>
[NonParallelizable]
public class FileRoundTripTests : TemporaryFolderTests
{
    private static readonly string[] Tiers = ["bronze", "gold", "silver"]; // class names sort so; the clean file writes their indices

    /// <summary>One set of rows written two ways: <paramref name="exported"/> as exports write them, else plainly.</summary>
    private string Write(string name, bool exported, int rows = 1_200)
    {
        var random = new Random(8);
        var lines = new List<string> { "amount,city,note,income,tier" };
        string[] cities = ["Paris", "Lyon", "Oslo"];
        for (int r = 0; r < rows; r++)
        {
            double amount = Math.Round(random.NextDouble() * 90_000);
            string city = cities[random.Next(3)];
            bool rich = amount + (city == "Oslo" ? 20_000 : 0) + 30_000 * random.NextDouble() > 70_000;
            int tier = amount < 30_000 ? 0 : amount < 60_000 ? 2 : 1;
            string number = amount.ToString(CultureInfo.InvariantCulture);
            lines.Add(exported
                ? $"\" {number} \",\"{city}\",\"seen on\nthe app, twice\",{(rich ? ">50K" : "<=50K")},{Tiers[tier]}"
                : $"{number},{city},seen,{(rich ? 1 : 0)},{tier}");
        }
        string path = Path.Combine(Folder, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private string[] TrainAndPredict(string data, string name, params string[] tasks)
    {
        string model = Path.Combine(Folder, name + ".zip"), predictions = Path.Combine(Folder, name + "-predictions.csv");
        var trained = CliProcess.Run(["train", "-d", data, .. tasks, "--ignore-cols", "note", "--epochs", "3", "--bottom", "16", "--tower", "8", "--threads", "1", "-o", model]);
        Assert.That(trained.Exit, Is.EqualTo(0), trained.Output);
        var predicted = CliProcess.Run("predict", "-m", model, "-d", data, "-o", predictions);
        Assert.That(predicted.Exit, Is.EqualTo(0), predicted.Output);
        return File.ReadAllLines(predictions);
    }

    [Test]
    public void AnExportedFile_PredictsAsTheCleanOne()
    {
        string clean = Write("clean.csv", exported: false), exported = Write("exported.csv", exported: true);
        var fromClean = TrainAndPredict(clean, "clean", "--task", "income:income:binary", "--task", "tier:tier:multiclass");
        var fromExported = TrainAndPredict(exported, "exported", "--task", "income:income:binary:positive=>50K", "--task", "tier:tier:multiclass");
        Assert.That(fromExported, Has.Length.EqualTo(1_201), "one prediction per record, line breaks inside quotes notwithstanding");
        Assert.That(fromClean[0], Is.EqualTo("income.Score,income.Probability,income.PredictedLabel,tier.Score.0,tier.Score.1,tier.Score.2,tier.PredictedLabel"));
        Assert.That(fromExported[0], Does.Contain("tier.Score.bronze,tier.Score.gold,tier.Score.silver"), "one probability column per class, by name");
        for (int r = 1; r < fromClean.Length; r++)
        {
            var plain = fromClean[r].Split(',');
            var named = fromExported[r].Split(',');
            Assert.That(named[..6], Is.EqualTo(plain[..6]), $"row {r}: the same numbers");
            Assert.That(named[6], Is.EqualTo(Tiers[int.Parse(plain[6], CultureInfo.InvariantCulture)]), $"row {r}: the class by its name");
        }
    }
}
