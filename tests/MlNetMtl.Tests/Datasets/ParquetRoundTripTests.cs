using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data;
using MlNetMtl.Datasets;
using MlNetMtl.MLNet;

namespace MlNetMtl.Tests.Datasets;

/// <summary>
/// The same rows as CSV, as one Parquet file and as a folder of Parquet shards (written with Parquet.Net, the library
/// MlNetMtl reads them with): the same roles inferred, the same model trained, the same predictions on held-out rows —
/// for a generated shop log and for KuaiRand-Pure's real log joined with its user and video tables.
/// </summary>
public class ParquetRoundTripTests : TemporaryFolderTests
{
    /// <summary>A shop log: a price, a city, a user id, a member flag, a short note, clicks and watch time; empty cells here and there.</summary>
    private string ShopCsv(string name, int rows, int seed)
    {
        var random = new Random(seed);
        string[] cities = ["Paris", "Lyon", "Oslo", "Zoë's town"];
        var lines = new List<string> { "price,city,user_id,member,note,click,watch" };
        for (int r = 0; r < rows; r++)
        {
            float price = MathF.Round(random.NextSingle() * 200, 2);
            string city = cities[random.Next(cities.Length)];
            bool member = random.Next(2) == 0;
            double signal = price / 200 + (city == "Oslo" ? 0.4 : 0) + (member ? 0.3 : 0) + random.NextDouble() * 0.5;
            string priceCell = random.Next(20) == 0 ? "" : price.ToString("R", CultureInfo.InvariantCulture);
            lines.Add($"{priceCell},\"{city}\",u{random.Next(300)},{(member ? "true" : "false")},{(random.Next(3) == 0 ? "gift" : "self")},{(signal > 0.9 ? 1 : 0)},{(signal * 10).ToString("R", CultureInfo.InvariantCulture)}");
        }
        string path = Path.Combine(Folder, name);
        File.WriteAllText(path, string.Join("\n", lines) + "\n", new UTF8Encoding(false));
        return path;
    }

    private static float[] Scores(ITransformer model, IDataView data, params string[] columns) =>
        columns.SelectMany(c => model.Transform(data).GetColumn<float>(c)).ToArray();

    [Test]
    public void AShopLog_AsParquet_OrAsParquetShards_InfersAndTrainsAsTheCsv()
    {
        string csv = ShopCsv("train.csv", 1_200, seed: 1), test = ShopCsv("test.csv", 300, seed: 2);
        string parquet = ParquetFiles.FromCsv(csv, Path.Combine(Folder, "train.parquet"), 1)[0];
        string shards = Directory.CreateDirectory(Path.Combine(Folder, "shards")).FullName;
        ParquetFiles.FromCsv(csv, shards, 3);
        string testParquet = ParquetFiles.FromCsv(test, Path.Combine(Folder, "test.parquet"), 1)[0];
        TaskColumn[] tasks = [new("click", "click"), new("watch", "watch", TaskKind.Regression)];

        var schemas = new[] { csv, parquet, shards }.Select(p => ColumnInference.Infer(p, tasks.Select(t => t.LabelColumnName))).ToArray();
        foreach (var schema in schemas.Skip(1))
            Assert.That(schema.Columns.Select(c => (c.Name, c.Role, c.Reason)), Is.EqualTo(schemas[0].Columns.Select(c => (c.Name, c.Role, c.Reason))), schema.Path);
        Assert.That(schemas[0].Columns.Select(c => c.Role), Is.EqualTo(new[] { ColumnRole.Numeric, ColumnRole.Categorical, ColumnRole.Id, ColumnRole.Boolean, ColumnRole.Categorical, ColumnRole.Label, ColumnRole.Label }));

        var ml = new MLContext(seed: 1);
        var models = schemas.Select(s => CsvReadingTests.Train(ml, CsvDataset.Load(ml, s, tasks))).ToArray();
        var csvTest = CsvDataset.LoadLike(ml, test, schemas[0], tasks);
        var expected = Scores(models[0], csvTest, "click.Score", "watch.Score");
        Assert.That(expected.Distinct().Count(), Is.GreaterThan(100), "the model's scores depend on the rows");
        Assert.That(Scores(models[1], csvTest, "click.Score", "watch.Score"), Is.EqualTo(expected), "trained on the Parquet file");
        Assert.That(Scores(models[2], csvTest, "click.Score", "watch.Score"), Is.EqualTo(expected), "trained on the folder of shards");
        Assert.That(Scores(models[0], CsvDataset.LoadLike(ml, testParquet, schemas[0], tasks), "click.Score", "watch.Score"), Is.EqualTo(expected), "scoring Parquet rows");
    }

    [Test]
    public void KuaiRandPure_AsParquetShards_WithItsTablesBesideTheFolder_LoadsAndTrainsAsTheCsv()
    {
        string log = SharedData.File("kuairand-pure", "log_standard_pure_20220425_20220504.csv");
        string csvFolder = Directory.CreateDirectory(Path.Combine(Folder, "csv")).FullName, csv = Path.Combine(csvFolder, "log.csv");
        File.WriteAllLines(csv, File.ReadLines(log).Take(3_001));
        string shards = Directory.CreateDirectory(Path.Combine(Folder, "parquet", "log")).FullName;
        ParquetFiles.FromCsv(csv, shards, 4);
        foreach (string table in new[] { "user_features_pure.csv", "video_features_basic_pure.csv" })
        {
            File.Copy(Path.Combine(Path.GetDirectoryName(log)!, table), Path.Combine(csvFolder, table));
            File.Copy(Path.Combine(Path.GetDirectoryName(log)!, table), Path.Combine(Folder, "parquet", table)); // beside the folder of shards
        }
        var ml = new MLContext(seed: 1);
        var fromCsv = KuaiRandDataset.Load(ml, csv);
        var fromParquet = KuaiRandDataset.Load(ml, shards);
        Assert.That(fromParquet.Features, Is.EqualTo(fromCsv.Features).Using<FeatureSpec>((a, b) => a.Columns.SequenceEqual(b.Columns) && a.HashBits == b.HashBits));
        Assert.That(fromParquet.Data.GetColumn<float>("is_like").ToArray(), Is.EqualTo(fromCsv.Data.GetColumn<float>("is_like").ToArray()));
        Assert.That(fromParquet.Data.GetColumn<ReadOnlyMemory<char>>("user_active_degree").Select(v => v.ToString()).ToArray(),
            Is.EqualTo(fromCsv.Data.GetColumn<ReadOnlyMemory<char>>("user_active_degree").Select(v => v.ToString()).ToArray()), "joined with the user table beside the folder");
        var expected = Scores(CsvReadingTests.Train(ml, fromCsv), fromCsv.Data, "click.Score", "like.Score");
        Assert.That(Scores(CsvReadingTests.Train(ml, fromParquet), fromCsv.Data, "click.Score", "like.Score"), Is.EqualTo(expected));
    }
}
