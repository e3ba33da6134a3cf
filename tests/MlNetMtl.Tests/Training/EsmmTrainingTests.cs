using MlNetMtl.Data;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Training;

namespace MlNetMtl.Tests.Training;

public class EsmmTrainingTests
{
    /// <summary>Impressions: click depends on x₀, conversion (given a click) on x₁.</summary>
    private static (MultiTaskDataset Data, float[] Clicks, float[] Conversions) Impressions(int rows, int seed, bool conversionOnlyOnClicks)
    {
        var random = new Random(seed);
        var features = new float[rows * 5];
        float[] clicks = new float[rows], conversions = new float[rows], labels = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < 5; i++)
                features[r * 5 + i] = (float)(random.NextDouble() * 2 - 1);
            clicks[r] = random.NextDouble() < 1 / (1 + Math.Exp(-3 * features[r * 5])) ? 1f : 0f;
            conversions[r] = random.NextDouble() < 1 / (1 + Math.Exp(-3 * features[r * 5 + 1])) ? 1f : 0f;
            labels[r] = clicks[r] == 1f ? conversions[r] : conversionOnlyOnClicks ? float.NaN : 0f;
        }
        var tasks = new[] { new TaskDefinition("ctr", TaskKind.Binary), new TaskDefinition("ctcvr", TaskKind.Binary, 1f, MissingLabelPolicy.Mask) };
        return (new MultiTaskDataset(new DenseFeatures(features, rows, 5), tasks, [clicks, labels]), clicks, conversions);
    }

    [Test]
    public void ConversionLabelsOnlyOnClickedRows_TrainTheSameAsEntireSpaceLabels()
    {
        var options = new EsmmOptions { BottomWidths = [32], TowerWidths = [16] };
        var training = new TrainerOptions { Epochs = 15, LearningRate = 3e-3f };
        var onClicks = new MultiTaskTrainer(options, training).Fit(Impressions(8000, 1, conversionOnlyOnClicks: true).Data).Network;
        var entire = new MultiTaskTrainer(options, training).Fit(Impressions(8000, 1, conversionOnlyOnClicks: false).Data).Network;
        Assert.That(onClicks.Parameters.SelectMany(p => p.Values.ToArray()), Is.EqualTo(entire.Parameters.SelectMany(p => p.Values.ToArray())),
            "a missing conversion on a row without a click is the CTCVR label 0");

        var (test, _, conversions) = Impressions(3000, 2, conversionOnlyOnClicks: false);
        var values = new float[test.Rows * 3];
        onClicks.PredictWithAuxiliary(InputBatch.FromDense(((DenseFeatures)test.Features).Values, test.Rows, 5), values);
        var pCvr = Enumerable.Range(0, test.Rows).Select(r => values[r * 3 + 2]).ToArray();
        Assert.That(MlNetMtl.Evaluation.RankingMetrics.Auc(pCvr, conversions), Is.GreaterThan(0.75), "pCVR ranks conversions on all impressions");
    }

    [Test]
    public void Esmm_RejectsOtherTaskLists() =>
        Assert.That(() => MultiTaskNetwork.Create(4, [new TaskDefinition("a", TaskKind.Binary)], new EsmmOptions()),
            Throws.ArgumentException.With.Message.Contains("exactly two binary tasks"));
}
