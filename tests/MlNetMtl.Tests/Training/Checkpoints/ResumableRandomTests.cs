using MlNetMtl.Training.Checkpoints;

namespace MlNetMtl.Tests.Training.Checkpoints;

public class ResumableRandomTests
{
    /// <summary>One call of every kind the trainer and the libraries it hands a generator to make, chosen by <paramref name="kind"/>.</summary>
    private static string Draw(Random random, int kind, int i) => kind switch
    {
        0 => random.Next().ToString(),
        1 => random.Next(1 + i % 1000).ToString(),
        2 => random.Next(-i, 3 * i + 1).ToString(),
        3 => random.Next(int.MinValue + i, int.MaxValue - i).ToString(), // a range wider than int.MaxValue
        4 => random.NextDouble().ToString("R"),
        5 => random.NextSingle().ToString("R"),
        6 => random.NextInt64().ToString(),
        7 => random.NextInt64(1L + i * 1_000_003L).ToString(),
        8 => random.NextInt64(-5, 6).ToString(),
        9 => Convert.ToHexString(Bytes(random, i % 7)),
        10 => string.Join(",", Shuffled(random, i % 13)),
        _ => MathNet.Numerics.Distributions.Normal.Sample(random, 0, 1).ToString("R"),
    };

    private static byte[] Bytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static int[] Shuffled(Random random, int count)
    {
        var values = Enumerable.Range(0, count).ToArray();
        random.Shuffle(values);
        return values;
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(42)]
    [TestCase(-7)]
    [TestCase(int.MaxValue)]
    [TestCase(int.MinValue)]
    public void DrawsWhatSystemRandomDraws_CallForCall(int seed)
    {
        var expected = new Random(seed);
        var actual = new ResumableRandom(seed);
        for (int i = 0; i < 5_000; i++)
        {
            int kind = i * 7 % 12;
            Assert.That(Draw(actual, kind, i), Is.EqualTo(Draw(expected, kind, i)), $"seed {seed}, call {i} (kind {kind})");
        }
    }

    [Test]
    public void AGeneratorReadBackFromItsPosition_ContinuesTheSequence()
    {
        var original = new ResumableRandom(5);
        for (int i = 0; i < 777; i++)
            original.Next();
        using var saved = new MemoryStream();
        original.Write(new BinaryWriter(saved));
        saved.Position = 0;
        var resumed = new ResumableRandom(99);
        resumed.Read(new BinaryReader(saved));
        for (int i = 0; i < 1_000; i++)
            Assert.That(resumed.NextDouble(), Is.EqualTo(original.NextDouble()), $"draw {i} after resuming");
    }

    [Test]
    public void ADamagedPosition_IsRefused()
    {
        using var saved = new MemoryStream();
        var writer = new BinaryWriter(saved);
        new ResumableRandom(1).Write(writer);
        saved.Position = saved.Length - 8;
        writer.Write(56);
        saved.Position = 0;
        Assert.That(() => new ResumableRandom(1).Read(new BinaryReader(saved)),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("damaged"));
    }

    [Test]
    public void InvalidArguments_AreRefusedAsRandomRefusesThem()
    {
        var random = new ResumableRandom(1);
        Assert.That(() => random.Next(-1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => random.Next(5, 4), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => random.NextInt64(-1), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
