namespace MlNetMtl.MLNet.Evaluation;

/// <summary>Weighted F1: each class's F1 weighted by its support (the rows whose true class it is).</summary>
public static class WeightedF1
{
    /// <summary>From a confusion matrix whose rows are true classes and columns predicted classes.</summary>
    public static double FromConfusion(IReadOnlyList<IReadOnlyList<double>> counts)
    {
        int classes = counts.Count;
        double total = 0, weighted = 0;
        for (int c = 0; c < classes; c++)
        {
            double support = counts[c].Sum();
            double predicted = Enumerable.Range(0, classes).Sum(r => counts[r][c]);
            double truePositives = counts[c][c];
            double precision = predicted > 0 ? truePositives / predicted : 0;
            double recall = support > 0 ? truePositives / support : 0;
            double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
            weighted += support * f1;
            total += support;
        }
        return total > 0 ? weighted / total : double.NaN;
    }
}
