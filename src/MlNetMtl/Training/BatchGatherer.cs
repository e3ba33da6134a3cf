using MlNetMtl.Data;
using MlNetMtl.Networks;
using MlNetMtl.Numerics;

namespace MlNetMtl.Training;

/// <summary>
/// Copies chosen rows of a data set into reusable mini-batch buffers: features, labels (a missing label becomes 0)
/// and each task's row weights (0 where the label is missing). With <see cref="DeferDenseFeatures"/> the dense feature
/// rows are left to <see cref="GatherDenseFeatures"/>, so the workers of a parallel step copy their own shards.
/// </summary>
internal sealed class BatchGatherer
{
    private readonly MultiTaskDataset _data;
    private readonly float[] _dense = [];
    private readonly int[] _rowStarts = [];
    /// <summary>The last batch's rows of the data set (dense data).</summary>
    private readonly int[] _rows = [];
    private int[] _indices = [];
    private float[] _values = [];
    private readonly float[][] _labels;
    private readonly float[][] _weights;
    private int _count, _nonZeros;

    public BatchGatherer(MultiTaskDataset data, int capacity)
    {
        _data = data;
        Capacity = capacity;
        if (data.Features is SparseFeatures or SlotFeatures)
            _rowStarts = new int[capacity + 1];
        else
        {
            _dense = new float[capacity * data.Features.Dimension];
            _rows = new int[capacity];
        }
        _labels = data.Tasks.Select(_ => new float[capacity]).ToArray();
        _weights = data.Tasks.Select(_ => new float[capacity]).ToArray();
    }

    /// <summary>The data set gathered from.</summary>
    public MultiTaskDataset Data => _data;

    /// <summary>Most rows per batch.</summary>
    public int Capacity { get; }

    /// <summary>
    /// When set, <see cref="Gather"/> copies a dense batch's labels and weights but not its feature rows: each range of
    /// rows is copied by <see cref="GatherDenseFeatures"/> before it is read.
    /// </summary>
    public bool DeferDenseFeatures { get; set; }

    /// <summary>Gathers <paramref name="rows"/> and returns them as a batch (valid until the next call).</summary>
    public InputBatch Gather(ReadOnlySpan<int> rows)
    {
        for (int t = 0; t < _labels.Length; t++)
        {
            var source = _data.Labels[t];
            for (int r = 0; r < rows.Length; r++)
            {
                float label = source[rows[r]];
                _labels[t][r] = float.IsNaN(label) ? 0f : label;
                _weights[t][r] = _data.Weight(t, rows[r]);
            }
        }
        switch (_data.Features)
        {
            case DenseFeatures dense:
                rows.CopyTo(_rows);
                if (!DeferDenseFeatures)
                    GatherDenseFeatures(0, rows.Length);
                break;
            case SparseFeatures sparse:
                GatherSparse(sparse, rows);
                break;
            case SlotFeatures slots:
                GatherSlots(slots, rows);
                break;
            default:
                throw new NotSupportedException($"Unknown feature storage {_data.Features.GetType().Name}.");
        }
        _count = rows.Length;
        return LastBatch;
    }

    /// <summary>The rows of the last <see cref="Gather"/> call.</summary>
    public InputBatch LastBatch
    {
        get
        {
            int width = _data.Features.Dimension;
            return _data.Features is SparseFeatures or SlotFeatures
                ? InputBatch.FromSparse(new CsrRows(_rowStarts.AsSpan(0, _count + 1), _indices.AsSpan(0, _nonZeros), _values.AsSpan(0, _nonZeros), width))
                : InputBatch.FromDense(_dense.AsSpan(0, _count * width), _count, width);
        }
    }

    /// <summary>The labels of the last gathered batch, by task (the first rows of each buffer).</summary>
    public float[][] LabelBuffers => _labels;

    /// <summary>The row weights of the last gathered batch, by task.</summary>
    public float[][] WeightBuffers => _weights;

    /// <summary>Copies the dense feature rows of batch rows [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>) of the last <see cref="Gather"/> (sparse data: nothing to do).</summary>
    public void GatherDenseFeatures(int first, int count)
    {
        if (_data.Features is not DenseFeatures dense)
            return;
        int width = dense.Dimension;
        for (int r = first; r < first + count; r++)
            dense.Row(_rows[r]).CopyTo(_dense.AsSpan(r * width, width));
    }

    private void GatherSlots(SlotFeatures slots, ReadOnlySpan<int> rows)
    {
        int count = 0;
        foreach (int row in rows)
            count += slots.Count(row);
        Reserve(count);
        int position = 0;
        for (int r = 0; r < rows.Length; r++)
        {
            _rowStarts[r] = position;
            slots.Indices(rows[r]).CopyTo(_indices.AsSpan(position));
            slots.Values(rows[r]).CopyTo(_values.AsSpan(position));
            position += slots.Count(rows[r]);
        }
        _rowStarts[rows.Length] = position;
        _nonZeros = position;
    }

    /// <summary>Grows the sparse buffers to hold <paramref name="count"/> non-zeros.</summary>
    private void Reserve(int count)
    {
        if (_indices.Length >= count)
            return;
        _indices = new int[Math.Max(count, _indices.Length * 2)];
        _values = new float[_indices.Length];
    }

    private void GatherSparse(SparseFeatures sparse, ReadOnlySpan<int> rows)
    {
        int count = 0;
        foreach (int row in rows)
            count += sparse.RowStarts[row + 1] - sparse.RowStarts[row];
        Reserve(count);
        int position = 0;
        for (int r = 0; r < rows.Length; r++)
        {
            _rowStarts[r] = position;
            int start = sparse.RowStarts[rows[r]], length = sparse.RowStarts[rows[r] + 1] - start;
            sparse.Indices.AsSpan(start, length).CopyTo(_indices.AsSpan(position));
            sparse.Values.AsSpan(start, length).CopyTo(_values.AsSpan(position));
            position += length;
        }
        _rowStarts[rows.Length] = position;
        _nonZeros = position;
    }
}
