using MlNetMtl.Numerics;

namespace MlNetMtl.Tests.Numerics;

public class GaussianNoiseTests
{
    [Test]
    public void SeededNoise_HasTheStatedMeanVarianceAndTails()
    {
        const int n = 1_000_003; // odd: the vector path's tail runs too
        var values = new float[n];
        GaussianNoise.AddSeeded(values, 2.5f, stream: 17);
        double mean = values.Average(v => (double)v), variance = values.Average(v => (v - mean) * (v - mean));
        double beyondTwo = values.Count(v => Math.Abs(v) > 2 * 2.5) / (double)n;
        // Standard errors: mean σ/√n = 0.0025, variance σ²·√(2/n) = 0.0088; P(|z| > 2) = 0.0455 ± 0.0002.
        Assert.That(mean, Is.EqualTo(0).Within(0.0125));
        Assert.That(variance, Is.EqualTo(6.25).Within(0.045));
        Assert.That(beyondTwo, Is.EqualTo(0.0455).Within(0.001));
        Assert.That(values.Max(Math.Abs), Is.LessThan(5.8f * 2.5f), "24-bit uniforms end the tails at 5.77σ");
    }

    [Test]
    public void NoiseIsAdded_NotWritten()
    {
        var values = Enumerable.Repeat(10f, 4_097).ToArray();
        GaussianNoise.AddSeeded(values, 0.001f, stream: 3);
        Assert.That(values.Average(v => (double)v), Is.EqualTo(10).Within(1e-3));
    }

    [TestCaseSource(typeof(Reference), nameof(Reference.Paths))]
    public void EveryPath_MatchesTheScalarReference_ValueByValue(SimdPath path)
    {
        using var forced = Reference.Force(path);
        var bits = new ulong[1_003];
        GaussianNoise.SplitMixBits(bits, stream: 5, first: 0);
        var values = new float[bits.Length];
        GaussianNoise.AddFromBits(values, bits, 1f);
        for (int i = 0; i < bits.Length; i++)
            Assert.That(values[i], Is.EqualTo(GaussianNoise.Normal(bits[i])).Within(2e-5 * (1 + Math.Abs(values[i]))), $"value {i}");
    }

    [Test]
    public void SeededStream_DependsOnlyOnStreamAndPosition()
    {
        var whole = new float[5_000];
        GaussianNoise.AddSeeded(whole, 1f, stream: 9);
        var pieces = new float[5_000];
        GaussianNoise.AddSeeded(pieces.AsSpan(0, 1_234), 1f, stream: 9, first: 0);
        GaussianNoise.AddSeeded(pieces.AsSpan(1_234), 1f, stream: 9, first: 1_234);
        var bits = new ulong[5_000];
        GaussianNoise.SplitMixBits(bits, 9, 0);
        var scalar = new ulong[5_000];
        for (int i = 0; i < scalar.Length; i++)
        {
            GaussianNoise.SplitMixBits(scalar.AsSpan(i, 1), 9, i);
        }
        Assert.That(scalar, Is.EqualTo(bits), "the vector bit generator equals the scalar one position by position");
        for (int i = 0; i < whole.Length; i++)
            Assert.That(pieces[i], Is.EqualTo(whole[i]).Within(2e-5 * (1 + Math.Abs(whole[i]))), $"value {i}");
        var other = new float[5_000];
        GaussianNoise.AddSeeded(other, 1f, stream: 10);
        Assert.That(other, Is.Not.EqualTo(whole));
    }

    [Test]
    public void SecureNoise_HasUnitVariance_AndDiffersRunToRun()
    {
        var a = new float[200_000];
        var b = new float[200_000];
        GaussianNoise.AddSecure(a, 1f);
        GaussianNoise.AddSecure(b, 1f);
        Assert.That(a.Average(v => (double)v * v), Is.EqualTo(1).Within(0.02));
        Assert.That(a, Is.Not.EqualTo(b));
    }
}
