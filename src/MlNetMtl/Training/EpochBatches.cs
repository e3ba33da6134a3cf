using MlNetMtl.Data;
using MlNetMtl.Training.Checkpoints;

namespace MlNetMtl.Training;

/// <summary>
/// The mini-batches of one epoch, gathered one after another into <see cref="Batches"/>, and where in the epoch they
/// are, which a checkpoint saves and a resumed run restores.
/// </summary>
internal interface IEpochBatches
{
    /// <summary>Holds the current mini-batch.</summary>
    BatchGatherer Batches { get; }

    /// <summary>Mini-batches per epoch (an estimate for the learning-rate schedule).</summary>
    long BatchesPerEpoch { get; }

    /// <summary>Starts an epoch, shuffling with <paramref name="random"/>.</summary>
    void BeginEpoch(Random random);

    /// <summary>
    /// Gathers the next mini-batch; false when the epoch is over. The data set rows it was gathered from stay as they are
    /// until the next call (a parallel step copies their dense features after this returns).
    /// </summary>
    bool Next(Random random);

    /// <summary>Writes the epoch's row order and how far it has gone.</summary>
    void Write(BinaryWriter writer);

    /// <summary>Continues from the position <see cref="Write"/> wrote.</summary>
    /// <param name="reader">The checkpoint.</param>
    /// <param name="cancellationToken">Stops a restore that reads the data again.</param>
    /// <exception cref="InvalidDataException">The position is of another run.</exception>
    void Read(BinaryReader reader, CancellationToken cancellationToken);
}

/// <summary>Every chosen row of an in-memory data set once per epoch, in a fresh seeded shuffle.</summary>
internal sealed class InMemoryBatches(MultiTaskDataset data, int[] rows, int capacity) : IEpochBatches
{
    private int _next;

    public BatchGatherer Batches { get; } = new(data, capacity);
    public long BatchesPerEpoch => (data.Rows + capacity - 1) / capacity;

    public void BeginEpoch(Random random)
    {
        random.Shuffle(rows);
        _next = 0;
    }

    public bool Next(Random random)
    {
        if (_next >= rows.Length)
            return false;
        int count = Math.Min(capacity, rows.Length - _next);
        Batches.Gather(rows.AsSpan(_next, count));
        _next += count;
        return true;
    }

    public void Write(BinaryWriter writer)
    {
        writer.WriteInts(rows);
        writer.Write(_next);
    }

    public void Read(BinaryReader reader, CancellationToken cancellationToken)
    {
        reader.ReadInts(rows, "training rows in the epoch's order");
        _next = reader.ReadInt32();
        if (_next < 0 || _next > rows.Length || rows.Any(r => (uint)r >= (uint)data.Rows))
            throw new InvalidDataException("The checkpoint's position in the epoch names rows the data set does not have: the file is damaged.");
    }
}
