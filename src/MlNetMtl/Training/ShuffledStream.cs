using MlNetMtl.Data;
using MlNetMtl.Training.Checkpoints;

namespace MlNetMtl.Training;

/// <summary>
/// The mini-batches of one pass over a stream, shuffled through a bounded buffer: the buffer starts with the
/// stream's first rows; each mini-batch row is drawn uniformly from the buffer and its slot refilled with the
/// stream's next row, until the stream ends and the buffer drains. Every training row is used once per epoch;
/// memory is the buffer and one mini-batch, whatever the stream's length. Held-out rows are skipped. A batch's slots
/// are refilled at the next call, so its rows stay in the buffer while it is trained on. A checkpoint saves where the
/// pass is and which stream row each slot holds; a resumed run reads the stream again up to there, keeping those rows.
/// </summary>
internal sealed class ShuffledStream : IEpochBatches, IDisposable
{
    private readonly IRowStream _stream;
    private readonly RowStore _store, _skipped;
    private readonly Func<long, bool> _heldOut;
    private readonly int _capacity;
    private readonly int[] _slots, _picks;
    private readonly long[] _slotRows;
    private IRowReader? _reader;
    private long _ordinal;
    private int _active, _drawn;

    /// <param name="stream">The rows.</param>
    /// <param name="store">The shuffle buffer.</param>
    /// <param name="capacity">Rows per mini-batch.</param>
    /// <param name="trainingRows">Training rows per pass (for the schedule).</param>
    /// <param name="heldOut">Whether the row at a stream position is held out for validation.</param>
    public ShuffledStream(IRowStream stream, RowStore store, int capacity, long trainingRows, Func<long, bool> heldOut)
    {
        _stream = stream;
        _store = store;
        _skipped = new RowStore(stream.Tasks, stream.Dimension, 1);
        _capacity = capacity;
        _heldOut = heldOut;
        _slots = new int[store.Capacity];
        _slotRows = new long[store.Capacity];
        _picks = new int[capacity];
        Batches = new BatchGatherer(store.View, capacity);
        BatchesPerEpoch = (trainingRows + capacity - 1) / capacity;
    }

    public BatchGatherer Batches { get; }
    public long BatchesPerEpoch { get; }

    public void BeginEpoch(Random random)
    {
        Reopen();
        while (_active < _slots.Length && ReadTrainingRow(_active))
        {
            _slots[_active] = _active;
            _active++;
        }
    }

    public bool Next(Random random)
    {
        // The last batch's slots sit at [_active, _active + _drawn): refill them from the stream while it lasts.
        for (int k = 0; k < _drawn && ReadTrainingRow(_slots[_active]); k++)
            _active++;
        _drawn = 0;
        if (_active == 0)
            return false;
        int count = Math.Min(_capacity, _active);
        for (int k = 0; k < count; k++)
        {
            int j = random.Next(_active);
            _picks[k] = _slots[j];
            (_slots[j], _slots[_active - 1]) = (_slots[_active - 1], _slots[j]);
            _active--;
        }
        Batches.Gather(_picks.AsSpan(0, count));
        _drawn = count;
        return true;
    }

    /// <summary>Writes the pass's position, the slots' order, and the stream row each slot in the buffer holds.</summary>
    public void Write(BinaryWriter writer)
    {
        writer.Write(_ordinal);
        writer.Write(_active);
        writer.Write(_drawn);
        writer.WriteInts(_slots);
        writer.WriteLongs(_slotRows);
    }

    /// <summary>Reads the stream again from its start to the saved position, putting each row the buffer held back in its slot.</summary>
    /// <exception cref="InvalidDataException">The position is not one of this stream's, or the stream ends before it.</exception>
    public void Read(BinaryReader reader, CancellationToken cancellationToken)
    {
        long position = reader.ReadInt64();
        int active = reader.ReadInt32(), drawn = reader.ReadInt32();
        reader.ReadInts(_slots, "shuffle-buffer slots");
        reader.ReadLongs(_slotRows, "shuffle-buffer rows");
        var damaged = new InvalidDataException("The checkpoint's position in the training stream is not one this run can reach: the file is damaged.");
        if (position < 0 || active < 0 || drawn < 0 || (long)active + drawn > _slots.Length || !_slots.Order().SequenceEqual(Enumerable.Range(0, _slots.Length)))
            throw damaged;
        // The rows the buffer held, in stream order: each read back into its slot as the stream passes it.
        var held = _slots[..active].Select(slot => (Row: _slotRows[slot], Slot: slot)).OrderBy(h => h.Row).ToArray();
        if (held.Any(h => h.Row < 0 || h.Row >= position || _heldOut(h.Row)) || held.Zip(held.Skip(1)).Any(p => p.First.Row == p.Second.Row))
            throw damaged;
        Reopen();
        int next = 0;
        while (_ordinal < position)
        {
            if ((_ordinal & 0xFFF) == 0)
                cancellationToken.ThrowIfCancellationRequested();
            bool kept = next < held.Length && held[next].Row == _ordinal;
            bool read = kept ? _store.Read(_reader!, held[next++].Slot, _ordinal) : _skipped.Read(_reader!, 0, _ordinal);
            if (!read)
                throw new InvalidDataException($"The checkpoint was taken at row {position:N0} of the training stream, which now ends after {_ordinal:N0} rows: it is not the data of that run.");
            _ordinal++;
        }
        _active = active;
        _drawn = drawn;
    }

    /// <summary>Starts a pass from the stream's first row with an empty buffer.</summary>
    private void Reopen()
    {
        _reader?.Dispose();
        _reader = _stream.Open();
        _ordinal = 0;
        _active = 0;
        _drawn = 0;
    }

    /// <summary>Reads the stream's next training row into <paramref name="slot"/>, skipping held-out rows.</summary>
    private bool ReadTrainingRow(int slot)
    {
        while (_store.Read(_reader!, slot, _ordinal))
        {
            long row = _ordinal++;
            if (!_heldOut(row))
            {
                _slotRows[slot] = row;
                return true;
            }
        }
        return false;
    }

    public void Dispose() => _reader?.Dispose();
}
