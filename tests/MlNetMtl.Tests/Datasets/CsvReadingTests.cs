using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data;
using MlNetMtl.Datasets;
using MlNetMtl.MLNet;
using MlNetMtl.Networks.Architectures;

namespace MlNetMtl.Tests.Datasets;

/// <summary>
/// One reading of a CSV file: what inference sees is what the loader reads, whatever the export wrote — quoted numbers
/// with spaces, line breaks inside quotes, infinities, text after many numbers, thousands of columns — and a value that
/// does not fit is reported with its line, never read as missing.
/// </summary>
public class CsvReadingTests : TemporaryFolderTests
{
    private string Write(string name, IEnumerable<string> lines)
    {
        string path = Path.Combine(Folder, name);
        File.WriteAllText(path, string.Join("\n", lines) + "\n", new UTF8Encoding(false));
        return path;
    }

    /// <summary>Rows of a shop: a weight that matters, a city, a note, and a click label; <paramref name="messy"/> writes them as exports do.</summary>
    private string Shop(string name, int rows, bool messy)
    {
        var random = new Random(3);
        string[] cities = ["Paris", "Lyon", "Oslo"];
        var lines = new List<string> { "weight,city,note,click" };
        for (int r = 0; r < rows; r++)
        {
            double weight = Math.Round(random.NextDouble() * 100_000);
            string city = cities[random.Next(3)];
            bool click = weight / 100_000 + (city == "Oslo" ? 0.3 : 0) + 0.3 * random.NextDouble() > 0.8;
            string number = weight.ToString(CultureInfo.InvariantCulture);
            lines.Add(messy
                ? $"\" {number}\", \"{city}\" ,\"first line\nsecond, line\",\" {(click ? 1 : 0)} \""
                : $"{number},{city},first line,{(click ? 1 : 0)}");
        }
        return Write(name, lines);
    }

    private static float[] Weights(ITransformer model) => MultiTaskTransformer.FindIn(model)!.Network.Parameters.SelectMany(p => p.Values.ToArray()).ToArray();

    /// <summary>A small shared-bottom network trained on <paramref name="data"/>, one thread, a fixed seed: the same model from the same rows.</summary>
    internal static ITransformer Train(MLContext ml, LoadedDataset data) =>
        data.Featurizer.Append(ml.MultiTask().Network(new MultiTaskNetworkTrainerOptions
        {
            Tasks = data.Tasks.ToList(),
            Network = new SharedBottomOptions { BottomWidths = [8], TowerWidths = [4] },
            Training = new() { Epochs = 2, Threads = 1, Seed = 2 },
        })).Fit(data.Data);

    [Test]
    public void QuotedNumbersWithSpaces_AndLineBreaksInQuotes_ReadAsTheCleanFile()
    {
        var ml = new MLContext(seed: 1);
        TaskColumn[] tasks = [new("click", "click")];
        var clean = CsvDataset.Load(ml, Shop("clean.csv", 500, messy: false), tasks, ["note"]);
        var messy = CsvDataset.Load(ml, Shop("messy.csv", 500, messy: true), tasks, ["note"]);
        Assert.That(messy.Features.Numeric, Is.EqualTo(new[] { "weight" }), "quoted numbers with spaces are numbers");
        Assert.That(messy.Features.Categorical, Is.EqualTo(new[] { "city" }));
        Assert.That(messy.Data.GetRowCount(), Is.EqualTo(500), "a line break inside quotes does not start a row");

        var model = Train(ml, clean);
        Assert.That(Weights(Train(ml, messy)), Is.EqualTo(Weights(model)), "the same rows train the same model");
        var fromClean = model.Transform(CsvDataset.LoadForSchema(ml, Path.Combine(Folder, "clean.csv"), clean.Data.Schema)).GetColumn<float>("click.Score").ToArray();
        var fromMessy = model.Transform(CsvDataset.LoadForSchema(ml, Path.Combine(Folder, "messy.csv"), clean.Data.Schema)).GetColumn<float>("click.Score").ToArray();
        Assert.That(fromMessy, Is.EqualTo(fromClean));
    }

    [Test]
    public void Infinities_AreNumbers_ReadAsMissingAndSaidSo()
    {
        var lines = new List<string> { "ratio,label" };
        for (int r = 0; r < 40; r++)
            lines.Add($"{(r switch { 3 => "inf", 9 => "-Infinity", 17 => "1e39", _ => (r * 0.5).ToString(CultureInfo.InvariantCulture) })},{r % 2}");
        string path = Write("ratio.csv", lines);
        var ml = new MLContext(seed: 1);
        var data = CsvDataset.Load(ml, path, [new TaskColumn("label", "label")]);
        Assert.That(data.Features.Numeric, Is.EqualTo(new[] { "ratio" }));
        Assert.That(data.Notes, Has.One.Contains("'ratio': 3 infinite value(s)").And.Contains("'inf', at line 5"));
        var values = data.Data.GetColumn<float>("ratio").ToArray();
        Assert.That(new[] { values[3], values[9], values[17] }, Is.All.NaN);
        var featurized = data.Featurizer.Fit(data.Data).Transform(data.Data).GetColumn<float[]>(LoadedDataset.FeatureColumnName).ToArray();
        Assert.That(featurized.SelectMany(v => v), Is.All.Not.NaN, "imputed before training");
    }

    [Test]
    public void TextAfterManyNumbers_MakesTheColumnText_AndSaysWhere_AndARoleOfNumbersNamesTheLine()
    {
        var lines = new List<string> { "amount,label" };
        for (int r = 0; r < 6_000; r++)
            lines.Add($"{r % 150},{r % 2}");
        lines.Add("unknown,1");
        string path = Write("late.csv", lines);
        var column = ColumnInference.Infer(path, ["label"]).Columns.Single(c => c.Name == "amount");
        Assert.That(column.Role, Is.Not.EqualTo(ColumnRole.Numeric));
        Assert.That(column.Reason, Does.Contain("'unknown' at line 6002 is not a number"));
        var ml = new MLContext(seed: 1);
        Assert.That(() => CsvDataset.Load(ml, path, [new TaskColumn("label", "label")], roles: new Dictionary<string, ColumnRole> { ["amount"] = ColumnRole.Numeric }),
            Throws.ArgumentException.With.Message.Contains("Column 'amount' is set numeric, but line 6002").And.Message.Contains("'unknown'"));
    }

    [Test]
    public void ThousandsOfColumns_ReadAndFeaturize()
    {
        const int columns = 3_000;
        var random = new Random(5);
        var lines = new List<string> { string.Join(',', Enumerable.Range(0, columns).Select(c => $"x{c}").Append("y")) };
        for (int r = 0; r < 60; r++)
            lines.Add(string.Join(',', Enumerable.Range(0, columns).Select(_ => random.Next(1000).ToString(CultureInfo.InvariantCulture)).Append((r % 2).ToString(CultureInfo.InvariantCulture))));
        var ml = new MLContext(seed: 1);
        var data = CsvDataset.Load(ml, Write("wide.csv", lines), [new TaskColumn("y", "y")]);
        Assert.That(data.Features.Numeric, Has.Count.EqualTo(columns));
        var width = ((VectorDataViewType)data.Featurizer.Fit(data.Data).Transform(data.Data).Schema[LoadedDataset.FeatureColumnName].Type).Size;
        Assert.That(width, Is.GreaterThan(2 * columns));
    }

    [TestCase("a,b,label\n1,2,0\n3,4,5,1\n", "line 3: the record has 4 fields; the header has 3")]
    [TestCase("a,b,label\n1,2,0\n3,\"open,1\n5,6,1\n", "line 3: a quoted field is opened and never closed")]
    [TestCase("a,a,label\n1,2,0\n", "Column 'a' appears twice in the header")]
    [TestCase("", "is empty")]
    [TestCase("a,label\n", "has a header but no data rows")]
    public void BrokenFiles_AreNamedWithTheirLine(string content, string message)
    {
        string path = Path.Combine(Folder, "broken.csv");
        File.WriteAllText(path, content);
        Assert.That(() => ColumnInference.Infer(path, []), Throws.InstanceOf<InvalidDataException>().With.Message.Contains(message));
    }

    [Test]
    public void ATwoValuedTextLabel_NeedsItsPositiveValue_AndWithItIsReadSo()
    {
        var lines = new List<string> { "age,income" };
        for (int r = 0; r < 50; r++)
            lines.Add($"{20 + r},{(r % 3 == 0 ? ">50K" : "<=50K")}");
        string path = Write("adult-like.csv", lines);
        var ml = new MLContext(seed: 1);
        Assert.That(() => CsvDataset.Load(ml, path, [new TaskColumn("income", "income")]), Throws.ArgumentException
            .With.Message.Contains("holds two values, '>50K', '<=50K'").And.Message.Contains("--task income:income:binary:positive=>50K"));
        var data = CsvDataset.Load(ml, path, [new TaskColumn("income", "income", positiveValue: ">50K")]);
        Assert.That(data.Notes, Has.One.Contains("label '>50K' is positive; '<=50K' negative"));
        Assert.That(() => CsvDataset.Load(ml, path, [new TaskColumn("income", "income", positiveValue: ">50k")]), Throws.ArgumentException
            .With.Message.Contains("the positive value '>50k' is not in label column 'income'"));
    }

    [Test]
    public void EmptyLabelCells_AreMissingLabels_NamedByLine_OrMasked()
    {
        string path = Write("gaps.csv", new[] { "x,click" }.Concat(Enumerable.Range(0, 30).Select(r => $"{r},{(r == 4 || r == 9 ? "" : (r % 2).ToString(CultureInfo.InvariantCulture))}")));
        var ml = new MLContext(seed: 1);
        Assert.That(() => CsvDataset.Load(ml, path, [new TaskColumn("click", "click")]), Throws.ArgumentException
            .With.Message.Contains("has 2 missing cells").And.Message.Contains("the first at line 6").And.Message.Contains("--missing-labels mask"));
        var masked = CsvDataset.Load(ml, path, [new TaskColumn("click", "click", missingLabels: MissingLabelPolicy.Mask)]);
        Assert.That(masked.Data.GetColumn<float>("click").Count(float.IsNaN), Is.EqualTo(2), "missing, not negative");
    }

    [Test]
    public void ANonNumberInAPredictionFile_IsNamedWithItsLine()
    {
        var ml = new MLContext(seed: 1);
        var train = CsvDataset.Load(ml, Shop("train.csv", 200, messy: false), [new TaskColumn("click", "click")], ["note"]);
        var lines = File.ReadAllLines(Path.Combine(Folder, "train.csv"));
        lines[7] = "heavy" + lines[7][lines[7].IndexOf(',')..];
        string path = Write("bad.csv", lines);
        var model = Train(ml, train);
        var error = Assert.Catch(() => model.Transform(CsvDataset.LoadForSchema(ml, path, train.Data.Schema)).GetColumn<float>("click.Score").ToArray());
        while (error!.InnerException is not null)
            error = error.InnerException; // ML.NET's parallel cursors wrap the reader's error; the command line unwraps it
        Assert.That(error, Is.InstanceOf<InvalidDataException>().With.Message.Contains("line 8, column 'weight': 'heavy' is not a number, which the model reads in this column"));
    }

    [Test]
    public void MulticlassClasses_ComeFromTheWholeFile_AndAnotherFileIsReadAlike()
    {
        var lines = new List<string> { "x,tier" };
        for (int r = 0; r < 200; r++)
            lines.Add($"{r},{(r < 150 ? (r % 2 == 0 ? "gold" : "silver") : "bronze")}");
        var ml = new MLContext(seed: 1);
        var schema = ColumnInference.Infer(Write("tiers.csv", lines), ["tier"]);
        var data = CsvDataset.Load(ml, schema, [new TaskColumn("tier", "tier", TaskKind.Multiclass)]);
        Assert.That(data.Tasks[0].ClassNames, Is.EqualTo(new[] { "bronze", "gold", "silver" }));
        string test = Write("tiers-test.csv", ["tier,x", "gold,5", "bronze,6"]);
        var other = CsvDataset.LoadLike(ml, test, schema, data.Tasks);
        Assert.That(other.GetColumn<float>("x").ToArray(), Is.EqualTo(new[] { 5f, 6f }).Or.EqualTo(new[] { 5.0, 6.0 }));
        Assert.That(() => CsvDataset.LoadLike(ml, Write("no-x.csv", ["tier", "gold"]), schema, data.Tasks),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("lacks column(s) x of the training file 'tiers.csv'"));
    }
}
