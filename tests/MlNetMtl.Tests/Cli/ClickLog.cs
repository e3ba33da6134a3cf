using System.Globalization;

namespace MlNetMtl.Tests.Cli;

/// <summary>A click log the process-level training tests train on: a user id, a category, an age and a click that depends on the first two.</summary>
internal static class ClickLog
{
    /// <summary>Writes 3,000 rows to <c>clicks.csv</c> in <paramref name="folder"/>; returns its path.</summary>
    public static string Write(string folder)
    {
        var random = new Random(3);
        var lines = new List<string> { "user,category,age,click" };
        for (int r = 0; r < 3_000; r++)
        {
            int user = random.Next(200), category = random.Next(6);
            double age = Math.Round(18 + random.NextDouble() * 50, 1);
            bool click = (user % 3 == 0) ^ (category > 3) ^ (random.NextDouble() < 0.1);
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"u{user},c{category},{age},{(click ? 1 : 0)}"));
        }
        string path = Path.Combine(folder, "clicks.csv");
        File.WriteAllLines(path, lines);
        return path;
    }

    /// <summary>The predictions of <paramref name="model"/> on <paramref name="data"/>, as <c>predict</c> writes them.</summary>
    public static string Predictions(string model, string data)
    {
        string path = model + ".predictions.csv";
        var (code, text) = CliProcess.Run("predict", "-m", model, "-d", data, "-o", path);
        Assert.That(code, Is.EqualTo(0), text);
        return File.ReadAllText(path);
    }
}
