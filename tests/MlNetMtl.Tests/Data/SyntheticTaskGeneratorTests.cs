using MlNetMtl.Data;
using MlNetMtl.Data.Synthetic;

namespace MlNetMtl.Tests.Data;

public class SyntheticTaskGeneratorTests
{
    [TestCase(1.0)]
    [TestCase(0.9)]
    [TestCase(0.5)]
    [TestCase(-0.3)]
    public void TaskWeights_HaveTheRequestedCorrelation(double p)
    {
        var generator = new SyntheticTaskGenerator(new SyntheticTaskOptions { Correlation = p, Dimension = 64, Seed = 3 });
        Assert.That(generator.RealisedCorrelation, Is.EqualTo(p).Within(1e-9));
    }

    [Test]
    public void Labels_FollowTheRecipe()
    {
        // With c = 1 and unit w_t, w_tᵀx ~ N(0, 1): y's variance is finite and the two tasks' labels correlate
        // strongly at p = 1 (only the noise differs) and much less at p = 0.
        static double Correlation(float[] a, float[] b)
        {
            double ma = a.Average(), mb = b.Average();
            double cov = a.Zip(b, (x, y) => (x - ma) * (y - mb)).Sum();
            return cov / Math.Sqrt(a.Sum(x => (x - ma) * (x - ma)) * b.Sum(y => (y - mb) * (y - mb)));
        }
        var same = new SyntheticTaskGenerator(new SyntheticTaskOptions { Correlation = 1.0 }).Generate(4000, 5);
        var independent = new SyntheticTaskGenerator(new SyntheticTaskOptions { Correlation = 0.0 }).Generate(4000, 5);
        Assert.That(Correlation(same.Labels[0], same.Labels[1]), Is.GreaterThan(0.999));
        Assert.That(Math.Abs(Correlation(independent.Labels[0], independent.Labels[1])), Is.LessThan(0.2));
        Assert.That(same.Features.Dimension, Is.EqualTo(100));
        Assert.That(same.Tasks.Select(t => t.Name), Is.EqualTo(new[] { "task1", "task2" }));
    }

    [TestCase(0.5)]
    [TestCase(0.9)]
    public void BinaryVariant_ThresholdsAtTheQuantile(double quantile)
    {
        var generator = new SyntheticTaskGenerator(new SyntheticTaskOptions { Kind = TaskKind.Binary, ThresholdQuantile = quantile });
        var data = generator.Generate(20_000, 7);
        foreach (var labels in data.Labels)
            Assert.That(labels.Average(), Is.EqualTo(1 - quantile).Within(0.015));
        Assert.That(data.Tasks.All(t => t.Kind == TaskKind.Binary));
    }

    [Test]
    public void SameSeeds_SameRows_OtherRowSeed_OtherRows()
    {
        var options = new SyntheticTaskOptions { Dimension = 8 };
        var a = (DenseFeatures)new SyntheticTaskGenerator(options).Generate(50, 1).Features;
        var b = (DenseFeatures)new SyntheticTaskGenerator(options).Generate(50, 1).Features;
        var c = (DenseFeatures)new SyntheticTaskGenerator(options).Generate(50, 2).Features;
        Assert.That(a.Values, Is.EqualTo(b.Values));
        Assert.That(a.Values, Is.Not.EqualTo(c.Values));
    }

    [Test]
    public void BadOptions_AreNamed()
    {
        Assert.That(() => new SyntheticTaskGenerator(new SyntheticTaskOptions { Correlation = 1.5 }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("Correlation"));
        Assert.That(() => new SyntheticTaskGenerator(new SyntheticTaskOptions { Dimension = 1 }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("Dimension"));
        Assert.That(() => new SyntheticTaskGenerator(new SyntheticTaskOptions { ThresholdQuantile = 1 }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("ThresholdQuantile"));
        Assert.That(() => new SyntheticTaskGenerator().Generate(0, 1), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
