using MlNetMtl.Data;

namespace MlNetMtl.Training;

/// <summary>
/// The mini-batches of one pass over a stream, shuffled through a bounded buffer: the buffer starts with the
/// stream's first rows; each mini-batch row is drawn uniformly from the buffer and its slot refilled with the
/// stream's next row, until the stream ends and the buffer drains. Every training row is used once per epoch;
/// memory is the buffer and one mini-batch, whatever the stream's length. Held-out rows are skipped. A batch's slots
/// are refilled at the next call, so its rows stay in the buffer while it is trained on.
/// </summary>
internal sealed class ShuffledStream : IEpochBatches, IDisposable
{
    private readonly IRowStream _stream;
    private readonly RowStore _store;
    private readonly Func<long, bool> _heldOut;
    private readonly int _capacity;
    private readonly int[] _slots, _picks;
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
        _capacity = capacity;
        _heldOut = heldOut;
        _slots = new int[store.Capacity];
        _picks = new int[capacity];
        Batches = new BatchGatherer(store.View, capacity);
        BatchesPerEpoch = (trainingRows + capacity - 1) / capacity;
    }

    public BatchGatherer Batches { get; }
    public long BatchesPerEpoch { get; }

    public void BeginEpoch(Random random)
    {
        _reader?.Dispose();
        _reader = _stream.Open();
        _ordinal = 0;
        _active = 0;
        _drawn = 0;
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

    /// <summary>Reads the stream's next training row into <paramref name="slot"/>, skipping held-out rows.</summary>
    private bool ReadTrainingRow(int slot)
    {
        while (_store.Read(_reader!, slot, _ordinal))
            if (!_heldOut(_ordinal++))
                return true;
        return false;
    }

    public void Dispose() => _reader?.Dispose();
}
