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
}
