namespace MlNetMtl.Training.Checkpoints;

/// <summary>
/// The numbers <c>new Random(seed)</c> gives, call for call — Knuth's subtractive generator (TAOCP vol. 2, §3.6) as .NET
/// seeds and draws it — from a generator whose state a checkpoint can write and a resumed run read back, which
/// <see cref="Random"/>'s own is not. So a run that uses it draws what it drew before, and a resumed run continues the
/// sequence where the checkpoint left it.
/// </summary>
internal sealed class ResumableRandom : Random
{
    private const int Lags = 55;
    private readonly int[] _state = new int[Lags + 1]; // entries 1 … 55; entry 0 is never used
    private int _next, _nextLagged;

    public ResumableRandom(int seed) : base(0)
    {
        // The seeding of .NET's generator: a Fibonacci-like fill of the 55 entries in the order 21·i mod 55, then four
        // rounds of subtracting the entry 31 places on, modulo int.MaxValue.
        int magnitude = seed == int.MinValue ? int.MaxValue : Math.Abs(seed);
        int previous = 161803398 - magnitude;
        _state[Lags] = previous;
        int current = 1, index = 0;
        for (int i = 1; i < Lags; i++)
        {
            index = (index + 21) % Lags;
            _state[index] = current;
            current = previous - current;
            if (current < 0)
                current += int.MaxValue;
            previous = _state[index];
        }
        for (int round = 1; round < 5; round++)
            for (int i = 1; i <= Lags; i++)
            {
                _state[i] -= _state[1 + (i + 30) % Lags];
                if (_state[i] < 0)
                    _state[i] += int.MaxValue;
            }
        _next = 0;
        _nextLagged = 21;
    }

    /// <summary>Writes the generator's position.</summary>
    public void Write(BinaryWriter writer)
    {
        foreach (int value in _state)
            writer.Write(value);
        writer.Write(_next);
        writer.Write(_nextLagged);
    }

    /// <summary>Continues from a position <see cref="Write"/> wrote.</summary>
    /// <exception cref="InvalidDataException">The position is not one this generator can be in.</exception>
    public void Read(BinaryReader reader)
    {
        for (int i = 0; i < _state.Length; i++)
            _state[i] = reader.ReadInt32();
        _next = reader.ReadInt32();
        _nextLagged = reader.ReadInt32();
        if (_next is < 0 or > Lags || _nextLagged is < 1 or > Lags)
            throw new InvalidDataException($"A random generator's saved position ({_next}, {_nextLagged}) is not one it can be in: the checkpoint is damaged.");
    }

    /// <summary>The next value in [0, int.MaxValue): the difference of the entries 55 and 24 draws back.</summary>
    private int Draw()
    {
        if (++_next > Lags)
            _next = 1;
        if (++_nextLagged > Lags)
            _nextLagged = 1;
        int value = _state[_next] - _state[_nextLagged];
        if (value == int.MaxValue)
            value--;
        if (value < 0)
            value += int.MaxValue;
        _state[_next] = value;
        return value;
    }

    protected override double Sample() => Draw() * (1.0 / int.MaxValue);

    /// <summary>A value in [0, 1) of finer grain than <see cref="Sample"/>, for ranges wider than int.MaxValue.</summary>
    private double SampleForLargeRange()
    {
        int value = Draw();
        if (Draw() % 2 == 0)
            value = -value;
        return (value + (int.MaxValue - 1.0)) / (2u * int.MaxValue - 1);
    }

    public override int Next() => Draw();

    public override int Next(int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return (int)(Sample() * maxValue);
    }

    public override int Next(int minValue, int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        long range = (long)maxValue - minValue;
        return range <= int.MaxValue ? (int)(Sample() * range) + minValue : (int)((long)(SampleForLargeRange() * range) + minValue);
    }

    public override long NextInt64()
    {
        while (true)
        {
            ulong value = NextUInt64() >> 1;
            if (value != long.MaxValue)
                return (long)value;
        }
    }

    public override long NextInt64(long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return NextInt64(0, maxValue);
    }

    public override long NextInt64(long minValue, long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        ulong range = (ulong)(maxValue - minValue);
        if (range <= 1)
            return minValue;
        // Draws of the smallest power-of-two width that holds the range, until one falls inside it.
        int bits = System.Numerics.BitOperations.Log2(range - 1) + 1;
        while (true)
        {
            ulong value = NextUInt64() >> (64 - bits);
            if (value < range)
                return (long)value + minValue;
        }
    }

    /// <summary>64 bits from three draws of 22, 22 and 20 bits.</summary>
    private ulong NextUInt64() => (uint)Next(1 << 22) | ((ulong)(uint)Next(1 << 22) << 22) | ((ulong)(uint)Next(1 << 20) << 44);

    public override double NextDouble() => Sample();

    public override float NextSingle() => (float)Sample();

    public override void NextBytes(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        NextBytes(buffer.AsSpan());
    }

    public override void NextBytes(Span<byte> buffer)
    {
        for (int i = 0; i < buffer.Length; i++)
            buffer[i] = (byte)Draw();
    }
}
