using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Datasets;

namespace MlNetMtl.Tests.Datasets;

/// <summary>The recommender-log loaders against the shared samples: row counts and label rates as their SOURCE.md gives them.</summary>
public class RecommenderLoaderTests
{
    private readonly MLContext _ml = new(seed: 1);

    private static (int Rows, int Positives) Count(IDataView data, string column)
    {
        var values = data.GetColumn<float>(column).ToArray();
        return (values.Length, values.Count(v => v == 1f));
    }

    /// <summary>Every id field is hashed into a space of its own, where every row has one slot set; the space is wide.</summary>
    private static void AssertFeaturizes(LoadedDataset data)
    {
        var featurized = data.Featurizer.Fit(data.Data).Transform(data.Data);
        var type = (VectorDataViewType)featurized.Schema[LoadedDataset.FeatureColumnName].Type;
        Assert.That(type.Size, Is.GreaterThan(1000), "ids are hashed into a wide sparse space");
        foreach (string id in data.Features.Ids)
            foreach (var row in featurized.GetColumn<VBuffer<float>>("Id." + id))
                Assert.That(row.GetValues().ToArray().Sum(), Is.EqualTo(1f), id);
    }

    [TestCase("torch-rechub/ali_ccp_train_sample.csv", 100, 7, 1)]
    [TestCase("torch-rechub/ali_ccp_val_sample.csv", 50, 3, 1)]
    [TestCase("torch-rechub/ali_ccp_test_sample.csv", 50, 2, 1)]
    [TestCase("paddlerec-aitm/train.csv", 48, 3, 3)]
    [TestCase("paddlerec-aitm/test.csv", 50, 3, 3)] // no header row: SOURCE.md counts its first data row as one and says 49
    public void AliCcp_LoadsEveryRowWithTheDocumentedLabels(string file, int rows, int clicks, int purchases)
    {
        var data = AliCcpDataset.Load(_ml, SharedData.File("ali-ccp", file));
        Assert.That(Count(data.Data, "click"), Is.EqualTo((rows, clicks)));
        Assert.That(Count(data.Data, "purchase"), Is.EqualTo((rows, purchases)));
        Assert.That(data.Tasks.Select(t => t.Name), Is.EqualTo(new[] { "click", "purchase" }));
        Assert.That(data.Features.Ids, Does.Contain("101").And.Not.Contain("click"));
        AssertFeaturizes(data);
    }

    [Test]
    public void AliCcp_DenseFieldsAreNumeric_SparseFieldsAreIds()
    {
        var data = AliCcpDataset.Load(_ml, SharedData.File("ali-ccp", "torch-rechub/ali_ccp_train_sample.csv"));
        Assert.That(data.Features.Numeric, Is.EqualTo(new[] { "D109_14", "D110_14", "D127_14", "D150_14", "D508", "D509", "D702", "D853" }));
        Assert.That(data.Features.Ids, Has.Count.EqualTo(23));
    }

    [TestCase("aliexpress_train_sample.csv", 100, 60, 2)]
    [TestCase("aliexpress_test_sample.csv", 20, 10, 2)]
    public void AliExpress_LoadsEveryRowWithTheDocumentedLabels(string file, int rows, int clicks, int conversions)
    {
        var data = AliExpressDataset.Load(_ml, SharedData.File("aliexpress", file));
        Assert.That(Count(data.Data, "click"), Is.EqualTo((rows, clicks)));
        Assert.That(Count(data.Data, "conversion"), Is.EqualTo((rows, conversions)));
        Assert.That(data.Features.Ids, Has.Count.EqualTo(16));
        Assert.That(data.Features.Numeric, Has.Count.EqualTo(63));
        Assert.That(data.Features.Columns, Does.Not.Contain("search_id"));
        AssertFeaturizes(data);
    }

    [Test]
    public void KuaiRand_LoadsClicksAndDerivesCompletePlays_WithoutOutcomeFeatures()
    {
        var data = KuaiRandDataset.Load(_ml, SharedData.File("kuairand-sample", "kuairand_sample.csv"));
        Assert.That(Count(data.Data, "is_click"), Is.EqualTo((200, 32)));
        Assert.That(Count(data.Data, KuaiRandDataset.CompletePlay.LabelColumnName), Is.EqualTo((200, 23)));
        Assert.That(data.Features.Columns, Does.Contain("user_id").And.Contain("video_id").And.Contain("duration_ms"));
        Assert.That(data.Features.Columns, Does.Not.Contain("play_time_ms").And.Not.Contain("profile_stay_time").And.Not.Contain("is_click"));
        AssertFeaturizes(data);
    }

    [Test]
    public void AFileOfAnotherFormat_IsRejectedNamingWhatIsMissing()
    {
        string path = SharedData.File("kuairand-sample", "kuairand_sample.csv");
        Assert.That(() => AliCcpDataset.Load(_ml, path), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("Ali-CCP").And.Message.Contains("click"));
        Assert.That(() => AliExpressDataset.Load(_ml, "/nonexistent.csv"), Throws.InstanceOf<FileNotFoundException>());
    }
}
