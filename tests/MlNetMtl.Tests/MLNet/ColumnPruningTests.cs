using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.MLNet;

namespace MlNetMtl.Tests.MLNet;

public class ColumnPruningTests
{
    private MLContext _ml = null!;
    private IDataView _data = null!;
    private MultiTaskTransformer _transformer = null!;
    private IDataView _features = null!;

    [OneTimeSetUp]
    public void TrainOnce()
    {
        _ml = new MLContext(seed: 1);
        _data = _ml.Data.LoadFromEnumerable(Impressions.Generate(1500, 1));
        var featurizer = _ml.Transforms.Categorical.OneHotEncoding("CategoryOneHot", nameof(Impression.Category))
            .Append(_ml.Transforms.Concatenate("Features", "CategoryOneHot", nameof(Impression.Age)))
            .Fit(_data);
        _features = _ml.Data.Cache(featurizer.Transform(_data));
        _transformer = _ml.MultiTask().Network(new MultiTaskNetworkTrainerOptions { Tasks = [Impressions.Click, Impressions.Watch], Training = new() { Epochs = 2 } }).Fit(_features);
    }

    [Test]
    public void ReadingOnlyAPassThroughColumn_RunsNoForwardPass()
    {
        long before = _transformer.ForwardPasses;
        var ages = _transformer.Transform(_features).GetColumn<float>(nameof(Impression.Age)).ToArray();
        Assert.That(ages, Has.Length.EqualTo(1500));
        Assert.That(_transformer.ForwardPasses, Is.EqualTo(before));
    }

    [Test]
    public void ReadingEveryTaskColumn_RunsOneForwardPassPerRow()
    {
        var scored = _transformer.Transform(_features);
        long before = _transformer.ForwardPasses;
        using (var cursor = scored.GetRowCursor(scored.Schema.Where(c => c.Name.StartsWith("click.") || c.Name.StartsWith("watch."))))
        {
            var score = cursor.GetGetter<float>(scored.Schema["click.Score"]);
            var probability = cursor.GetGetter<float>(scored.Schema["click.Probability"]);
            var label = cursor.GetGetter<bool>(scored.Schema["click.PredictedLabel"]);
            var watch = cursor.GetGetter<float>(scored.Schema["watch.Score"]);
            float s = 0, p = 0, w = 0;
            bool l = false;
            while (cursor.MoveNext())
            {
                score(ref s); probability(ref p); label(ref l); watch(ref w); score(ref s);
            }
        }
        Assert.That(_transformer.ForwardPasses - before, Is.EqualTo(1500));
    }

    [Test]
    public void CursorSet_GivesTheSameScoresAsOneCursor()
    {
        var scored = _transformer.Transform(_features);
        var expected = new Dictionary<DataViewRowId, float>();
        using (var cursor = scored.GetRowCursor([scored.Schema["click.Score"]]))
            Collect(cursor, expected);
        var cursors = scored.GetRowCursorSet([scored.Schema["click.Score"]], 2);
        var actual = new Dictionary<DataViewRowId, float>();
        Parallel.ForEach(cursors, cursor =>
        {
            var part = new Dictionary<DataViewRowId, float>();
            using (cursor)
                Collect(cursor, part);
            lock (actual)
                foreach (var (id, value) in part)
                    actual.Add(id, value);
        });
        Assert.That(actual, Is.EquivalentTo(expected));
    }

    private static void Collect(DataViewRowCursor cursor, Dictionary<DataViewRowId, float> into)
    {
        var id = cursor.GetIdGetter();
        var score = cursor.GetGetter<float>(cursor.Schema["click.Score"]);
        DataViewRowId row = default;
        float value = 0;
        while (cursor.MoveNext())
        {
            id(ref row);
            score(ref value);
            into.Add(row, value);
        }
    }

    [Test]
    public void TransformedSchema_KeepsEveryInputColumnAndIndex()
    {
        var output = _transformer.GetOutputSchema(_features.Schema);
        for (int i = 0; i < _features.Schema.Count; i++)
        {
            Assert.That(output[i].Name, Is.EqualTo(_features.Schema[i].Name));
            Assert.That(output[i].IsHidden, Is.EqualTo(_features.Schema[i].IsHidden));
        }
        Assert.That(output.Skip(_features.Schema.Count).Select(c => c.Name),
            Is.EqualTo(new[] { "click.Score", "click.Probability", "click.PredictedLabel", "watch.Score" }));
    }
}
