using Microsoft.ML;
using MlNetMtl.Data.Synthetic;
using MlNetMtl.Datasets;
using MlNetMtl.MLNet;

namespace MlNetMtl.Tests.Datasets;

/// <summary>
/// The known answer of cold start: items of the test rows never occur in training and share no word with a training
/// title, so only the sentence encoder, which knows what words mean, scores them above chance.
/// </summary>
public class ColdStartTests
{
    private string _folder = null!;

    [OneTimeSetUp]
    public void Write()
    {
        _folder = Directory.CreateTempSubdirectory("mlnet-mtl-coldstart-").FullName;
        var (train, test) = ColdStartGenerator.Generate(users: 100, trainRows: 20_000, testRows: 4_000, seed: 5);
        foreach (var (name, rows) in new[] { ("train.csv", train), ("test.csv", test) })
            File.WriteAllLines(Path.Combine(_folder, name), rows.Select(i => $"{i.UserId},{i.ItemId},{i.Title},{(i.Click ? 1 : 0)},{(i.Like ? 1 : 0)}").Prepend("user_id,item_id,title,click,like"));
    }

    [OneTimeTearDown]
    public void Delete() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void TheGenerator_GivesTestItemsNoTrainingItemOrWord()
    {
        var (train, test) = ColdStartGenerator.Generate(trainRows: 2_000, testRows: 500, seed: 5);
        Assert.That(test.Select(i => i.ItemId).Intersect(train.Select(i => i.ItemId)), Is.Empty);
        var trainWords = train.SelectMany(i => i.Title.Split(' ')).ToHashSet();
        var topicWords = ColdStartGenerator.Topics.Values.SelectMany(w => w).ToHashSet();
        Assert.That(test.SelectMany(i => i.Title.Split(' ')).Where(topicWords.Contains).Intersect(trainWords), Is.Empty, "a new item's topic words are new");
        Assert.That(train.Average(i => i.Click ? 1.0 : 0.0), Is.InRange(0.15, 0.35));
    }

    [TestCase(TextEncoding.MiniLm, 0.68, 1.0)]
    [TestCase(TextEncoding.NGrams, 0.4, 0.58)]
    [TestCase(TextEncoding.None, 0.4, 0.58)]
    public void NewItems_AreScoredFromTheirTitles_OnlyByTheSentenceEncoder(TextEncoding encoding, double low, double high)
    {
        var ml = new MLContext(seed: 1);
        TaskColumn[] tasks = [new("click", "click"), new("like", "like")];
        var schema = ColumnInference.Infer(Path.Combine(_folder, "train.csv"), tasks.Select(t => t.LabelColumnName));
        var train = CsvDataset.Load(ml, schema, tasks, schema.Features(schema.Rows) with { TextEncoder = encoding });
        var model = train.Featurizer.Append(ml.MultiTask().Network(new MultiTaskNetworkTrainerOptions
        {
            Tasks = [.. train.Tasks],
            Training = new() { Threads = 1, Seed = 3 },
        })).Fit(train.Data);
        var test = CsvDataset.LoadLike(ml, Path.Combine(_folder, "test.csv"), schema, train.Tasks);
        var metrics = ml.MultiTask().Evaluate(model.Transform(test), train.Tasks);
        TestContext.Out.WriteLine($"{encoding}: {metrics.ToTable()}");
        Assert.That(metrics["click"].Binary!.AreaUnderRocCurve, Is.InRange(low, high), "click AUC on items no one has seen");
        Assert.That(metrics["like"].Binary!.AreaUnderRocCurve, Is.InRange(low, high), "like AUC on items no one has seen");
    }
}
