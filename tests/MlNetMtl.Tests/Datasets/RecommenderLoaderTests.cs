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

    /// <summary>The first rows of KuaiRand-Pure's log in a temporary folder of their own (deleted on dispose), with the user and video tables beside them.</summary>
    private sealed class KuaiRandLogFolder : IDisposable
    {
        public KuaiRandLogFolder(int rows)
        {
            string log = SharedData.File("kuairand-pure", "log_standard_pure_20220425_20220504.csv");
            Folder = Directory.CreateTempSubdirectory("kuairand-").FullName;
            File.WriteAllLines(Log, File.ReadLines(log).Take(rows + 1));
            foreach (string table in new[] { "user_features_pure.csv", "video_features_basic_pure.csv" })
                File.Copy(Path.Combine(Path.GetDirectoryName(log)!, table), Path.Combine(Folder, table));
        }

        public string Folder { get; }
        public string Log => Path.Combine(Folder, "log.csv");
        public void Dispose() => Directory.Delete(Folder, recursive: true);
    }

    [Test]
    public void KuaiRandLog_IsJoinedWithTheUserAndVideoTablesBesideIt()
    {
        using var sample = new KuaiRandLogFolder(rows: 3000);
        string folder = sample.Folder, path = sample.Log;
        var data = KuaiRandDataset.Load(_ml, path);
        Assert.That(data.Tasks.Select(t => t.Name), Is.EqualTo(new[] { "click", "long_view", "like" }));
        var log = File.ReadLines(path).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.That(Count(data.Data, "is_like"), Is.EqualTo((3000, log.Count(r => r[6] == "1"))));

        // Each row carries its user's and its video's fields, as the tables hold them (the columns before any quoted cell).
        var users = File.ReadLines(Path.Combine(folder, "user_features_pure.csv")).Skip(1).Select(l => l.Split(',')).ToDictionary(r => r[0], r => r[1]);
        var authors = File.ReadLines(Path.Combine(folder, "video_features_basic_pure.csv")).Skip(1).Select(l => l.Split(',')).ToDictionary(r => r[0], r => r[1]);
        var degree = data.Data.GetColumn<ReadOnlyMemory<char>>("user_active_degree").Select(v => v.ToString()).ToArray();
        var author = data.Data.GetColumn<ReadOnlyMemory<char>>("author_id").Select(v => v.ToString()).ToArray();
        Assert.That(degree, Is.EqualTo(log.Select(r => users[r[0]]).ToArray()));
        Assert.That(author, Is.EqualTo(log.Select(r => authors[r[1]]).ToArray()));

        Assert.That(data.Features.Ids, Does.Contain("user_id").And.Contain("video_id").And.Contain("author_id").And.Contain("music_id"));
        Assert.That(data.Features.Categorical, Does.Contain("tab").And.Contain("user_active_degree").And.Contain("video_type"));
        Assert.That(data.Features.Numeric, Does.Contain("duration_ms").And.Contain("fans_user_num").And.Contain("video_duration"));
        Assert.That(data.Features.Bags, Is.EqualTo(new[] { "tag" }));
        string[] outcomes = ["is_click", "is_like", "is_follow", "is_comment", "is_forward", "is_hate", "long_view", "play_time_ms", "profile_stay_time",
            "comment_stay_time", "is_profile_enter"];
        Assert.That(data.Features.Columns.Intersect([.. outcomes, "date", "time_ms", "is_rand"]), Is.Empty, "outcomes and timestamps are never features");
        AssertFeaturizes(data);
    }

    [Test]
    public void KuaiRandTags_AreOneBagField_WithASlotPerTag()
    {
        using var sample = new KuaiRandLogFolder(rows: 2000);
        var data = KuaiRandDataset.Load(_ml, sample.Log);
        var featurized = data.Featurizer.Fit(data.Data).Transform(data.Data);
        var tags = data.Data.GetColumn<ReadOnlyMemory<char>>("tag").Select(v => v.ToString()).ToArray();
        var bags = featurized.GetColumn<float[]>("Bag.tag").ToArray();
        for (int r = 0; r < tags.Length; r++)
            Assert.That(bags[r].Sum(), Is.EqualTo(tags[r].Split(',', StringSplitOptions.RemoveEmptyEntries).Distinct().Count()), $"row {r}: tags {tags[r]}");
        Assert.That(tags.Any(t => t.Contains(',')), "the sample holds videos with several tags");
    }

    [Test]
    public void KuaiRandTasks_AreChosenByName_AndAnUnknownOneIsNamed()
    {
        using var sample = new KuaiRandLogFolder(rows: 500);
        string folder = sample.Folder, path = sample.Log;
        Assert.That(KuaiRandDataset.Load(_ml, path, ["follow", "complete_play"]).Tasks, Is.EqualTo(new[] { KuaiRandDataset.Follow, KuaiRandDataset.CompletePlay }));
        Assert.That(() => KuaiRandDataset.Load(_ml, path, ["likes"]), Throws.ArgumentException.With.Message.Contains("'likes' is not a KuaiRand task; choose from click, long_view, like"));
        Assert.That(() => KuaiRandDataset.Load(_ml, SharedData.File("kuairand-sample", "kuairand_sample.csv"), ["like"]),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("has no column is_like for task(s) like"));
        File.Delete(Path.Combine(folder, "video_features_basic_pure.csv"));
        Assert.That(() => KuaiRandDataset.Load(_ml, path), Throws.InstanceOf<FileNotFoundException>().With.Message.Contains("its video table, a file 'video_features_basic*.csv' beside it"));
    }

    [Test]
    public void KuaiRandPure_EveryImpressionFindsItsUserAndVideo()
    {
        var data = KuaiRandDataset.Load(_ml, SharedData.File("kuairand-pure", "log_standard_pure_20220425_20220504.csv"));
        var degree = data.Data.GetColumn<ReadOnlyMemory<char>>("user_active_degree").ToArray();
        var author = data.Data.GetColumn<ReadOnlyMemory<char>>("author_id").ToArray();
        Assert.That(degree, Has.Length.EqualTo(171_671), "SOURCE.md's row count");
        Assert.That(degree.Count(d => d.Length == 0), Is.Zero, "SOURCE.md: every user_id of the log is in the user table");
        Assert.That(author.Count(a => a.Length == 0), Is.Zero, "SOURCE.md: every video_id of the log is in the video table");
    }

    [Test]
    public void AFileOfAnotherFormat_IsRejectedNamingWhatIsMissing()
    {
        string path = SharedData.File("kuairand-sample", "kuairand_sample.csv");
        Assert.That(() => AliCcpDataset.Load(_ml, path), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("Ali-CCP").And.Message.Contains("click"));
        Assert.That(() => AliExpressDataset.Load(_ml, "/nonexistent.csv"), Throws.InstanceOf<FileNotFoundException>());
    }
}
