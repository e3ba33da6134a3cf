using System.Security.Cryptography;

namespace MlNetMtl.Training.Privacy;

/// <summary>A <see cref="Random"/> whose draws come from the operating system's cryptographically secure generator.</summary>
internal sealed class SecureRandom : Random
{
    protected override double Sample() => (RandomNumberGenerator.GetInt32(1 << 30) * (double)(1 << 23) + RandomNumberGenerator.GetInt32(1 << 23)) / (1L << 53);

    public override int Next() => RandomNumberGenerator.GetInt32(int.MaxValue);

    public override int Next(int maxValue) => maxValue <= 0 ? 0 : RandomNumberGenerator.GetInt32(maxValue);

    public override int Next(int minValue, int maxValue) => minValue >= maxValue ? minValue : RandomNumberGenerator.GetInt32(minValue, maxValue);

    public override double NextDouble() => Sample();
}
