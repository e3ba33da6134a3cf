using MathNet.Numerics.Distributions;

namespace MlNetMtl.Evaluation;

/// <summary>
/// A loss-threshold membership-inference attack (Yeom et al. 2018): a row whose loss is below a threshold is guessed to be a
/// training row. Its AUC over members and non-members says how much the model tells them apart (0.5: not at all). Any
/// (ε, δ)-DP training bounds every threshold's true- and false-positive rates by TPR ≤ e^ε·FPR + δ and
/// 1 − FPR ≤ e^ε·(1 − TPR) + δ, so each threshold gives an empirical lower bound on ε (Jagielski et al. 2020); with
/// Clopper–Pearson bounds on the rates (TPR low, FPR high), measured on rows apart from those that chose the threshold, the
/// bound holds at the stated confidence.
/// </summary>
public static class MembershipInference
{
    /// <summary>The attack's AUC: the probability that a random member's loss is below a random non-member's (ties count half).</summary>
    public static double Auc(ReadOnlySpan<double> memberLosses, ReadOnlySpan<double> nonMemberLosses)
    {
        var scores = new float[memberLosses.Length + nonMemberLosses.Length];
        var labels = new float[scores.Length];
        for (int i = 0; i < memberLosses.Length; i++)
            (scores[i], labels[i]) = ((float)-memberLosses[i], 1f);
        for (int i = 0; i < nonMemberLosses.Length; i++)
            scores[memberLosses.Length + i] = (float)-nonMemberLosses[i];
        return RankingMetrics.Auc(scores, labels);
    }

    /// <summary>
    /// The ε a loss threshold proves at the given confidence. The threshold (and which of the two inequalities) is the one whose
    /// bound is largest on the even-indexed rows; the bound is then computed again on the odd-indexed rows alone, as
    /// ln((TPR_low − δ)/FPR_high) or ln((1 − FPR_high − δ)/(1 − TPR_low)), so choosing among thresholds does not inflate it.
    /// 0 when the threshold proves nothing.
    /// </summary>
    /// <param name="memberLosses">Losses of training rows, in a random order.</param>
    /// <param name="nonMemberLosses">Losses of held-out rows, in a random order.</param>
    /// <param name="delta">The δ of the guarantee the bound is compared with.</param>
    /// <param name="confidence">Confidence of the bound, e.g. 0.95 (each Clopper–Pearson rate bound holds at (1 + confidence)/2).</param>
    public static double EmpiricalEpsilon(ReadOnlySpan<double> memberLosses, ReadOnlySpan<double> nonMemberLosses, double delta, double confidence = 0.95)
    {
        if (memberLosses.Length < 2 || nonMemberLosses.Length < 2)
            throw new ArgumentException("The audit needs at least two member and two non-member rows.", nameof(memberLosses));
        var (chooseMembers, testMembers) = Halves(memberLosses);
        var (chooseOthers, testOthers) = Halves(nonMemberLosses);
        // Choose: the threshold and inequality whose bound is largest on the first halves; test it on the second halves alone.
        double alpha = (1 - confidence) / 2;
        double best = double.NegativeInfinity, threshold = double.NaN;
        bool lowSide = true;
        foreach (double candidate in chooseMembers.Concat(chooseOthers).Distinct())
        {
            var (low, high) = Bounds(chooseMembers, chooseOthers, candidate, delta, alpha);
            if (Math.Max(low, high) > best)
                (best, threshold, lowSide) = (Math.Max(low, high), candidate, low >= high);
        }
        if (double.IsNaN(threshold))
            return 0;
        var (testLow, testHigh) = Bounds(testMembers, testOthers, threshold, delta, alpha);
        return Math.Max(0, lowSide ? testLow : testHigh);
    }

    /// <summary>
    /// At one threshold, the ε proven by each inequality with Clopper–Pearson rates (TPR low, FPR high at one-sided level α):
    /// ln((TPR − δ)/FPR) and ln((1 − FPR − δ)/(1 − TPR)); −∞ where an inequality proves nothing.
    /// </summary>
    private static (double Low, double High) Bounds(double[] members, double[] others, double threshold, double delta, double alpha)
    {
        int k = members.Count(l => l <= threshold), j = others.Count(l => l <= threshold);
        double tprLow = LowerBound(k, members.Length, alpha), fprHigh = UpperBound(j, others.Length, alpha);
        double low = tprLow > delta ? Math.Log((tprLow - delta) / fprHigh) : double.NegativeInfinity;
        double high = 1 - fprHigh > delta && tprLow < 1 ? Math.Log((1 - fprHigh - delta) / (1 - tprLow)) : double.NegativeInfinity;
        return (low, high);
    }

    private static (double[] Even, double[] Odd) Halves(ReadOnlySpan<double> values)
    {
        var even = new double[(values.Length + 1) / 2];
        var odd = new double[values.Length / 2];
        for (int i = 0; i < values.Length; i++)
            (i % 2 == 0 ? even : odd)[i / 2] = values[i];
        return (even, odd);
    }

    /// <summary>Clopper–Pearson lower bound of a rate k/n at one-sided level α.</summary>
    private static double LowerBound(int k, int n, double alpha) => k == 0 ? 0 : Beta.InvCDF(k, n - k + 1, alpha);

    /// <summary>Clopper–Pearson upper bound of a rate k/n at one-sided level α.</summary>
    private static double UpperBound(int k, int n, double alpha) => k == n ? 1 : Beta.InvCDF(k + 1, n - k, 1 - alpha);
}
