using Microsoft.ML;
using MlNetMtl.Datasets;
using MlNetMtl.MLNet;

namespace MlNetMtl.Tests.Datasets;

/// <summary>The quality bar on real data: default shared-bottom options on UCI Adult.</summary>
public class AdultQualityTests
{
    [Test]
    public void DefaultSharedBottom_ReachesTheTestAucBar()
    {
        var ml = new MLContext(seed: 1);
        var train = AdultDataset.Load(ml, SharedData.File("adult", "adult.data"));
        var test = AdultDataset.Load(ml, SharedData.File("adult", "adult.test"));
        var pipeline = train.Featurizer.AppendCacheCheckpoint(ml)
            .Append(ml.MultiTask().SharedBottom(LoadedDataset.FeatureColumnName, [.. train.Tasks]));
        var model = pipeline.Fit(train.Data);
        var metrics = ml.MultiTask().Evaluate(model.Transform(test.Data), [.. test.Tasks]);
        TestContext.Out.WriteLine(metrics.ToTable());
        Assert.That(metrics["income"].Binary!.AreaUnderRocCurve, Is.GreaterThanOrEqualTo(0.905));
        Assert.That(metrics["never_married"].Binary!.AreaUnderRocCurve, Is.GreaterThanOrEqualTo(0.955));
    }
}
