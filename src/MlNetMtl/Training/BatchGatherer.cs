using MlNetMtl.Data;
using MlNetMtl.Networks;
using MlNetMtl.Numerics;

namespace MlNetMtl.Training;

/// <summary>
/// Copies chosen rows of a data set into reusable mini-batch buffers: features, labels (a missing label becomes 0)
/// and each task's row weights (0 where the label is missing).
/// </summary>
internal sealed class BatchGatherer
{
    private readonly MultiTaskDataset _data;
    private readonly float[] _dense = [];
    private readonly int[] _rowStarts = [];
    private int[] _indices = [];
    private float[] _values = [];
    private readonly float[][] _labels;
    private readonly float[][] _weights;

    public BatchGatherer(MultiTaskDataset data, int capacity)
    {
        _data = data;
        if (data.Features is SparseFeatures)
            _rowStarts = new int[capacity + 1];
        else
            _dense = new float[capacity * data.Features.Dimension];
        _labels = data.Tasks.Select(_ => new float[capacity]).ToArray();
        _weights = data.Tasks.Select(_ => new float[capacity]).ToArray();
    }

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
        return _data.Features switch
        {
            DenseFeatures dense => GatherDense(dense, rows),
            SparseFeatures sparse => GatherSparse(sparse, rows),
            _ => throw new NotSupportedException($"Unknown feature storage {_data.Features.GetType().Name}."),
        };
    }

    /// <summary>The labels of the last gathered batch, by task (the first rows of each buffer).</summary>
    public float[][] LabelBuffers => _labels;

    /// <summary>The row weights of the last gathered batch, by task.</summary>
    public float[][] WeightBuffers => _weights;

    private InputBatch GatherDense(DenseFeatures dense, ReadOnlySpan<int> rows)
    {
        int width = dense.Dimension;
        for (int r = 0; r < rows.Length; r++)
            dense.Row(rows[r]).CopyTo(_dense.AsSpan(r * width, width));
        return InputBatch.FromDense(_dense.AsSpan(0, rows.Length * width), rows.Length, width);
    }

    private InputBatch GatherSparse(SparseFeatures sparse, ReadOnlySpan<int> rows)
    {
        int count = 0;
        foreach (int row in rows)
            count += sparse.RowStarts[row + 1] - sparse.RowStarts[row];
        if (_indices.Length < count)
        {
            _indices = new int[Math.Max(count, _indices.Length * 2)];
            _values = new float[_indices.Length];
        }
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
        return InputBatch.FromSparse(new CsrRows(_rowStarts.AsSpan(0, rows.Length + 1), _indices.AsSpan(0, position), _values.AsSpan(0, position), sparse.Dimension));
    }
}
