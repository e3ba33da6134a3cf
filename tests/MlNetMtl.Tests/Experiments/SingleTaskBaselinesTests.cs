using Microsoft.ML;
using MlNetMtl.Data;
using MlNetMtl.Experiments;
using MlNetMtl.Tests.MLNet;

namespace MlNetMtl.Tests.Experiments;

public class SingleTaskBaselinesTests
{
    [Test]
    public void TreeBaselines_MeasureEveryTask()
    {
        var ml = new MLContext(seed: 1);
        var featurizer = ml.Transforms.Categorical.OneHotEncoding("CategoryOneHot", nameof(Impression.Category))
            .Append(ml.Transforms.Concatenate("Features", "CategoryOneHot", nameof(Impression.Age)));
        var trainRows = ml.Data.LoadFromEnumerable(Impressions.Generate(2000, 1));
        var fitted = featurizer.Fit(trainRows);
        var train = fitted.Transform(trainRows);
        var test = fitted.Transform(ml.Data.LoadFromEnumerable(Impressions.Generate(500, 2)));

        var results = SingleTaskBaselines.Run(ml, train, test, [Impressions.Click, Impressions.Watch], "Features");

        Assert.That(results.Select(r => (r.Trainer, r.Task)), Is.EquivalentTo(new[] { ("LightGBM", "click"), ("FastTree", "click"), ("LightGBM", "watch"), ("FastTree", "watch") }));
        Assert.That(results.Where(r => r.Kind == TaskKind.Binary).Select(r => r.Metric), Is.All.InRange(0.8, 1.0), "click AUC");
        Assert.That(results.Where(r => r.Kind == TaskKind.Regression).Select(r => r.Metric), Is.All.InRange(0.0, 0.3), "watch RMSE");
    }
}
