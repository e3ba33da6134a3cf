using MlNetMtl.Data.Synthetic;

namespace MlNetMtl.Tests.Data;

public class LatentFactorGeneratorTests
{
    private static double Correlation(IReadOnlyList<LatentFactorImpression> rows)
    {
        double[] a = rows.Select(r => Logit(r.ClickProbability)).ToArray(), b = rows.Select(r => Logit(r.LikeProbability)).ToArray();
        double ma = a.Average(), mb = b.Average();
        double cov = a.Zip(b).Sum(p => (p.First - ma) * (p.Second - mb));
        return cov / Math.Sqrt(a.Sum(x => (x - ma) * (x - ma)) * b.Sum(x => (x - mb) * (x - mb)));
    }

    private static double Logit(float p)
    {
        double q = Math.Clamp(p, 1e-6, 1 - 1e-6); // a float probability can round to 0 or 1
        return Math.Log(q / (1 - q));
    }

    [Test]
    public void SharedFactors_ControlHowMuchTheTasksAgree()
    {
        var shared = new LatentFactorGenerator(new LatentFactorOptions { Factors = 4, LikeFactors = 4, SharedFactors = 4, BiasDeviation = 0 }).Generate(20_000, 5);
        var half = new LatentFactorGenerator(new LatentFactorOptions { Factors = 4, LikeFactors = 4, SharedFactors = 2, BiasDeviation = 0 }).Generate(20_000, 5);
        var none = new LatentFactorGenerator(new LatentFactorOptions { Factors = 4, LikeFactors = 4, SharedFactors = 0, BiasDeviation = 0 }).Generate(20_000, 5);
        double all = Correlation(shared), some = Correlation(half), unrelated = Correlation(none);
        TestContext.Out.WriteLine($"logit correlation: 4 shared {all:F3}, 2 shared {some:F3}, none {unrelated:F3}");
        Assert.That(all, Is.GreaterThan(0.99), "the like affinity is the click's, scaled");
        Assert.That(some, Is.InRange(0.3, 0.7), "half the factors shared: about half the variance");
        Assert.That(Math.Abs(unrelated), Is.LessThan(0.05));
    }

    [Test]
    public void TheSameSeedsGiveTheSameRows_AndLabelsFollowTheirProbabilities()
    {
        var generator = new LatentFactorGenerator();
        var rows = generator.Generate(20_000, 9);
        Assert.That(new LatentFactorGenerator().Generate(20_000, 9), Is.EqualTo(rows));
        Assert.That(rows.Count(r => r.Click) / 20_000.0, Is.EqualTo(rows.Average(r => r.ClickProbability)).Within(0.01));
        Assert.That(rows.Count(r => r.Like) / 20_000.0, Is.EqualTo(rows.Average(r => r.LikeProbability)).Within(0.01));
        Assert.That(rows.Select(r => r.User).Distinct().Count(), Is.EqualTo(300));
    }

    [Test]
    public void MoreSharedThanLikeFactors_IsRejectedByName() =>
        Assert.That(() => new LatentFactorGenerator(new LatentFactorOptions { LikeFactors = 2, SharedFactors = 3 }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("SharedFactors"));
}
