using MlNetMtl.Evaluation;

namespace MlNetMtl.Tests.Evaluation;

public class MembershipInferenceTests
{
    [Test]
    public void Auc_IsTheChanceThatAMembersLossIsLower()
    {
        Assert.That(MembershipInference.Auc([0.1, 0.2], [0.3, 0.4]), Is.EqualTo(1));
        Assert.That(MembershipInference.Auc([0.3, 0.4], [0.1, 0.2]), Is.EqualTo(0));
        Assert.That(MembershipInference.Auc([0.1, 0.3], [0.2, 0.4]), Is.EqualTo(0.75));
        Assert.That(MembershipInference.Auc([0.5], [0.5]), Is.EqualTo(0.5));
    }

    [Test]
    public void PerfectSeparation_ProvesTheClopperPearsonBound()
    {
        // Members all at loss 0, non-members all at 1: on the 500 + 500 test halves TPR = 1, FPR = 0, so the one-sided 97.5%
        // bounds are TPR ≥ α^(1/n) and FPR ≤ 1 − α^(1/n) (α = 0.025, n = 500), and ε ≥ ln((TPR_low − δ)/FPR_high).
        var members = new double[1_000];
        var others = Enumerable.Repeat(1.0, 1_000).ToArray();
        double low = Math.Pow(0.025, 1.0 / 500), delta = 1e-5;
        double expected = Math.Log((low - delta) / (1 - low));
        Assert.That(MembershipInference.EmpiricalEpsilon(members, others, delta), Is.EqualTo(expected).Within(1e-9));
        Assert.That(expected, Is.EqualTo(4.91).Within(0.01));
    }

    [Test]
    public void IndistinguishableRows_ProveNothing()
    {
        var random = new Random(4);
        var members = Enumerable.Range(0, 4_000).Select(_ => random.NextDouble()).ToArray();
        var others = Enumerable.Range(0, 4_000).Select(_ => random.NextDouble()).ToArray();
        Assert.That(MembershipInference.Auc(members, others), Is.EqualTo(0.5).Within(0.02));
        Assert.That(MembershipInference.EmpiricalEpsilon(members, others, 1e-5), Is.LessThan(0.1));
    }

    [Test]
    public void ShiftedLosses_ProveAnEpsilonBelowTheTrueLikelihoodRatio()
    {
        // Member losses ~ U(0, 1), non-member ~ U(0.5, 1.5): the threshold 0.5 has TPR 0.5, FPR 0 — unbounded ε in truth,
        // a finite bound from 2,000 rows; at threshold 1, 1 − FPR = 0.5 against 1 − TPR = 0: the same.
        var random = new Random(5);
        var members = Enumerable.Range(0, 4_000).Select(_ => random.NextDouble()).ToArray();
        var others = Enumerable.Range(0, 4_000).Select(_ => 0.5 + random.NextDouble()).ToArray();
        double epsilon = MembershipInference.EmpiricalEpsilon(members, others, 1e-5);
        Assert.That(epsilon, Is.GreaterThan(5).And.LessThan(8));
        Assert.That(MembershipInference.Auc(members, others), Is.EqualTo(0.875).Within(0.01));
    }

    [Test]
    public void TooFewRows_AreRefused() =>
        Assert.That(() => MembershipInference.EmpiricalEpsilon([1.0], [2.0, 3.0], 1e-5), Throws.ArgumentException.With.Message.Contains("at least two"));
}
