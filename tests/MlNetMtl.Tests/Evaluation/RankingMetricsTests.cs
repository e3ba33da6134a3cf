using MlNetMtl.Evaluation;

namespace MlNetMtl.Tests.Evaluation;

public class RankingMetricsTests
{
    /// <summary>AUC by its definition: the share of (positive, negative) pairs ordered correctly, ties half.</summary>
    private static double PairwiseAuc(float[] scores, float[] labels)
    {
        double correct = 0;
        long pairs = 0;
        for (int i = 0; i < scores.Length; i++)
            for (int j = 0; j < scores.Length; j++)
                if (labels[i] == 1 && labels[j] == 0)
                {
                    pairs++;
                    correct += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
        return correct / pairs;
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void Auc_EqualsPairwiseDefinition_WithTies(int seed)
    {
        var random = new Random(seed);
        var scores = Enumerable.Range(0, 301).Select(_ => (float)Math.Round(random.NextDouble() * 10) / 10).ToArray(); // many ties
        var labels = scores.Select(s => random.NextDouble() < 0.3 + 0.4 * s ? 1f : 0f).ToArray();
        Assert.That(RankingMetrics.Auc(scores, labels), Is.EqualTo(PairwiseAuc(scores, labels)).Within(1e-12));
    }

    [Test]
    public void Auc_KnownValues()
    {
        Assert.That(RankingMetrics.Auc([0.1f, 0.2f, 0.3f, 0.4f], [0, 0, 1, 1]), Is.EqualTo(1.0));
        Assert.That(RankingMetrics.Auc([0.4f, 0.3f, 0.2f, 0.1f], [0, 0, 1, 1]), Is.EqualTo(0.0));
        Assert.That(RankingMetrics.Auc([0.5f, 0.5f], [0, 1]), Is.EqualTo(0.5));
        Assert.That(RankingMetrics.Auc([0.5f, 0.7f], [1, 1]), Is.NaN);
    }

    [Test]
    public void Auc_RejectsBadInput()
    {
        Assert.That(() => RankingMetrics.Auc([0.1f], [0f, 1f]), Throws.ArgumentException);
        Assert.That(() => RankingMetrics.Auc([0.1f, 0.2f], [0f, 2f]), Throws.ArgumentException.With.Message.Contains("row 1"));
        Assert.That(() => RankingMetrics.Auc([float.NaN, 0.2f], [0f, 1f]), Throws.ArgumentException.With.Message.Contains("NaN"));
    }

    [Test]
    public void RocCurve_RunsFromCornerToCorner_AndItsAreaIsTheAuc()
    {
        var random = new Random(3);
        var labels = Enumerable.Range(0, 500).Select(_ => random.Next(3) == 0 ? 1f : 0f).ToArray();
        var scores = labels.Select(l => (float)Math.Round(random.NextDouble() + l * 0.7, 1)).ToArray(); // rounding makes ties
        var (fpr, tpr) = RankingMetrics.RocCurve(scores, labels);
        Assert.That((fpr[0], tpr[0]), Is.EqualTo((0.0, 0.0)));
        Assert.That((fpr[^1], tpr[^1]), Is.EqualTo((1.0, 1.0)));
        Assert.That(fpr, Is.Ordered);
        Assert.That(tpr, Is.Ordered);
        double area = 0;
        for (int i = 1; i < fpr.Length; i++)
            area += (fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1]) / 2;
        Assert.That(area, Is.EqualTo(RankingMetrics.Auc(scores, labels)).Within(1e-12));
        Assert.That(fpr.Length, Is.LessThan(30), "tied scores share a point");
        Assert.That(() => RankingMetrics.RocCurve([0.1f, 0.2f], [1f, 1f]), Throws.ArgumentException);
    }
}
