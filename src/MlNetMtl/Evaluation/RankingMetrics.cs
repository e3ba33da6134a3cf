namespace MlNetMtl.Evaluation;

/// <summary>Exact rank metrics for binary scores.</summary>
public static class RankingMetrics
{
    /// <summary>
    /// Area under the ROC curve: the probability that a random positive outscores a random negative, ties
    /// counting one half (Mann–Whitney U with mid-ranks). NaN when one class is absent.
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ, a label is not 0 or 1, or a score is NaN.</exception>
    public static double Auc(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        if (scores.Length != labels.Length)
            throw new ArgumentException($"There are {scores.Length} scores but {labels.Length} labels.", nameof(labels));
        var order = new int[scores.Length];
        var keys = new float[scores.Length];
        long positives = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            if (labels[i] != 0f && labels[i] != 1f)
                throw new ArgumentException($"Label {labels[i]} at row {i} is not 0 or 1.", nameof(labels));
            if (float.IsNaN(scores[i]))
                throw new ArgumentException($"Score at row {i} is NaN.", nameof(scores));
            positives += labels[i] == 1f ? 1 : 0;
            order[i] = i;
            keys[i] = scores[i];
        }
        long negatives = scores.Length - positives;
        if (positives == 0 || negatives == 0)
            return double.NaN;
        Array.Sort(keys, order);

        double positiveRankSum = 0;
        for (int start = 0; start < keys.Length;)
        {
            int end = start;
            while (end < keys.Length && keys[end] == keys[start])
                end++;
            double midRank = (start + 1 + end) / 2.0;
            for (int i = start; i < end; i++)
                if (labels[order[i]] == 1f)
                    positiveRankSum += midRank;
            start = end;
        }
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    /// <summary>
    /// The ROC curve: false- and true-positive rates from (0, 0) to (1, 1), one point per distinct score from the highest
    /// down (tied scores move together). The trapezoid area under these points is <see cref="Auc"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ, a label is not 0 or 1, a score is NaN, or one class is absent.</exception>
    public static (double[] FalsePositiveRate, double[] TruePositiveRate) RocCurve(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        if (double.IsNaN(Auc(scores, labels))) // validates too
            throw new ArgumentException("The ROC curve needs both positive and negative labels.", nameof(labels));
        var order = Enumerable.Range(0, scores.Length).ToArray();
        var keys = scores.ToArray();
        Array.Sort(keys, order);
        Array.Reverse(keys);
        Array.Reverse(order);
        double positives = 0, negatives = 0;
        foreach (float label in labels)
            (label == 1f ? ref positives : ref negatives) += 1;
        var fpr = new List<double> { 0 };
        var tpr = new List<double> { 0 };
        double truePositives = 0, falsePositives = 0;
        for (int start = 0; start < keys.Length;)
        {
            int end = start;
            for (; end < keys.Length && keys[end] == keys[start]; end++)
                (labels[order[end]] == 1f ? ref truePositives : ref falsePositives) += 1;
            fpr.Add(falsePositives / negatives);
            tpr.Add(truePositives / positives);
            start = end;
        }
        return (fpr.ToArray(), tpr.ToArray());
    }
}
