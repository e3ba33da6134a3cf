using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.MLNet;
using MlNetMtl.Networks.Architectures;

namespace MlNetMtl.Tests.MLNet;

/// <summary>The other input forms: hashed sparse ids of a 2^18-wide space, and labels as 2-value keys or doubles.</summary>
public class InputFormsTests
{
    public sealed class Row
    {
        public string User { get; set; } = "";
        public string Item { get; set; } = "";
        public string Clicked { get; set; } = "";
        public double Rating { get; set; }
    }

    [Test]
    public void HashedSparseIds_KeyAndDoubleLabels_TrainAndScore()
    {
        var random = new Random(3);
        var rows = Enumerable.Range(0, 6000).Select(_ =>
        {
            int user = random.Next(300), item = random.Next(100);
            return new Row { User = "u" + user, Item = "i" + item, Clicked = (user + item) % 3 == 0 ? "yes" : "no", Rating = user % 5 + item % 2 };
        }).ToList();
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(rows);
        var featurize = ml.Transforms.Categorical.OneHotHashEncoding("UserHash", nameof(Row.User), numberOfBits: 18)
            .Append(ml.Transforms.Categorical.OneHotHashEncoding("ItemHash", nameof(Row.Item), numberOfBits: 18))
            .Append(ml.Transforms.Concatenate("Features", "UserHash", "ItemHash"))
            .Append(ml.Transforms.Conversion.MapValueToKey("ClickedKey", nameof(Row.Clicked), keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue))
            .Fit(data);
        var featurized = ml.Data.Cache(featurize.Transform(data));
        Assert.That(((VectorDataViewType)featurized.Schema["Features"].Type).Size, Is.EqualTo(1 << 19));

        var click = new TaskColumn("click", "ClickedKey");          // key 1 = "no" (negative), key 2 = "yes" (positive), by value order
        var rating = new TaskColumn("rating", nameof(Row.Rating), MlNetMtl.Data.TaskKind.Regression);
        var model = ml.MultiTask().Network(new MultiTaskNetworkTrainerOptions { Tasks = [click, rating], Network = new SharedBottomOptions { BottomWidths = [32], TowerWidths = [16] }, Training = new() { Epochs = 10, LearningRate = 1e-2f } })
            .Fit(featurized);

        var scored = model.Transform(featurized);
        var scores = scored.GetColumn<float>("click.Score").ToArray();
        var positives = rows.Select(r => r.Clicked == "yes" ? 1f : 0f).ToArray();
        Assert.That(MlNetMtl.Evaluation.RankingMetrics.Auc(scores, positives), Is.GreaterThan(0.6), "the key label's second value is the positive class");
        Assert.That(model.Network.Parameters[0].Rows, Is.EqualTo(1 << 19));
    }
}
