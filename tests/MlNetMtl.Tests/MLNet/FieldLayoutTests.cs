using Microsoft.ML;
using MlNetMtl.Datasets;
using MlNetMtl.MLNet;
using MlNetMtl.Networks.Encoders;

namespace MlNetMtl.Tests.MLNet;

/// <summary>The fields of a feature column, traced back from its slot names to the columns that made them.</summary>
public class FieldLayoutTests
{
    private sealed class Row
    {
        public string City { get; set; } = "";
        public string User { get; set; } = "";
        public string Item { get; set; } = "";
        public float Age { get; set; }
        public float Price { get; set; }
        public string Title { get; set; } = "";
    }

    [Test]
    public void LoaderFeaturization_GivesAFieldPerCategoricalIdAndNumericColumn()
    {
        var ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 200).Select(i => new Row { City = $"c{i % 5}", User = $"u{i % 37}", Item = $"i{i % 11}", Age = i % 50, Price = i * 0.5f }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        var spec = new FeatureSpec { Categorical = ["City"], Numeric = ["Age", "Price"], Ids = ["User", "Item"], HashBits = 8 };
        var featurized = Featurization.Pipeline(ml, spec).Fit(data).Transform(data);
        var layout = FieldLayouts.FromSchema(featurized.Schema, LoadedDataset.FeatureColumnName, InputEncoding.Auto)!;
        foreach (var field in layout.Fields)
            TestContext.Out.WriteLine($"{field.Name}: slots {field.Start}+{field.Length} ({field.Kind})");
        Assert.That(layout.Fields.Select(f => f.Name), Is.EqualTo(new[]
        {
            "OneHot.City", "Numeric.Standardized.Age", "Numeric.Standardized.Price", "Numeric.Binned.Age", "Numeric.Binned.Price",
            "Numeric.BinIndicators.Age", "Numeric.BinIndicators.Price", "Id.User", "Id.Item",
        }));
        Assert.That(layout.Fields[0].Length, Is.EqualTo(5));
        Assert.That(layout.Fields[^1].Length, Is.EqualTo(128));
    }

    /// <summary>
    /// N-gram text sets many slots a row, so its field is a bag (summed or mean-pooled, never read as one-hot) — whether its
    /// slot names carry the column (other parts beside it) or are FeaturizeText's own (the text alone: Char and Word).
    /// </summary>
    [TestCase(false)]
    [TestCase(true)]
    public void NGramText_IsABagField(bool alone)
    {
        var ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 200).Select(i => new Row { City = $"c{i % 5}", Title = $"red ship {i % 13} blue sea" }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        var spec = new FeatureSpec { Categorical = alone ? [] : ["City"], Text = ["Title"], TextEncoder = TextEncoding.NGrams, TextFeatures = 256 };
        var featurized = Featurization.Pipeline(ml, spec).Fit(data).Transform(data);
        var layout = FieldLayouts.FromSchema(featurized.Schema, LoadedDataset.FeatureColumnName, InputEncoding.Auto)!;
        var text = layout.Fields.Where(f => f.Name != "OneHot.City").ToArray();
        Assert.That(text.Select(f => f.Name), Is.EqualTo(alone ? new[] { "Char", "Word" } : ["Text.Title"]));
        Assert.That(text.Select(f => f.Kind), Is.All.EqualTo(FieldKind.Bag));
    }
}
