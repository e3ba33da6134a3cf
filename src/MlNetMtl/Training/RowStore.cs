using System.Runtime.InteropServices;
using System.Security.Cryptography;
using MlNetMtl.Data;

namespace MlNetMtl.Training;

/// <summary>
/// A fixed number of rows (slots) with their labels and task weights, filled from an <see cref="IRowReader"/> and
/// checked on the way in (finite features, valid labels, finite non-negative weights, each error naming the row).
/// Rows wider than <see cref="SparseAbove"/> keep only their non-zeros (hashed ids), narrower ones are stored dense.
/// <see cref="View"/> presents the slots as a data set whose contents change as slots are refilled.
/// </summary>
internal sealed class RowStore
{
    /// <summary>Rows wider than this are stored as their non-zeros.</summary>
    public const int SparseAbove = 4096;

    private readonly IReadOnlyList<TaskDefinition> _tasks;
    private readonly float[] _dense = [];
    private readonly SlotFeatures? _sparse;
    private readonly float[][] _labels, _weights;
    private readonly float[] _rowLabels, _rowWeights;
    private readonly RowFeatures _sink;
    private int _slot;
    private bool _written;

    public RowStore(IReadOnlyList<TaskDefinition> tasks, int dimension, int capacity)
    {
        _tasks = tasks;
        Dimension = dimension;
        Capacity = capacity;
        FeatureMatrix features;
        if (dimension > SparseAbove)
            features = _sparse = new SlotFeatures(capacity, dimension);
        else
            features = new DenseFeatures(_dense = new float[checked(capacity * dimension)], capacity, dimension);
        _labels = tasks.Select(_ => new float[capacity]).ToArray();
        _weights = tasks.Select(_ => new float[capacity]).ToArray();
        _rowLabels = new float[tasks.Count];
        _rowWeights = new float[tasks.Count];
        _sink = new RowFeatures(dimension, WriteDense, WriteSparse);
        View = new MultiTaskDataset(features, tasks, _labels, taskWeights: _weights);
    }

    public int Dimension { get; }
    public int Capacity { get; }
    /// <summary>Whether rows keep only their non-zeros.</summary>
    public bool IsSparse => _sparse is not null;

    /// <summary>The slots as a data set (row r = slot r), for gathering mini-batches.</summary>
    public MultiTaskDataset View { get; }

    /// <summary>Reads the next row of <paramref name="reader"/> into <paramref name="slot"/>; false at the end of the pass.</summary>
    /// <param name="reader">The pass.</param>
    /// <param name="slot">Where the row goes.</param>
    /// <param name="ordinal">The row's position in the stream, for error messages.</param>
    public bool Read(IRowReader reader, int slot, long ordinal)
    {
        _slot = slot;
        _written = false;
        _sink.Row = ordinal;
        if (!reader.Read(_sink, _rowLabels, _rowWeights))
            return false;
        if (!_written)
            throw new InvalidOperationException($"The stream's reader returned row {ordinal} without its features (call SetDense or SetSparse).");
        for (int t = 0; t < _tasks.Count; t++)
        {
            MultiTaskDataset.CheckLabel(_tasks[t], _rowLabels[t], ordinal);
            if (!(_rowWeights[t] >= 0 && float.IsFinite(_rowWeights[t])))
                throw new ArgumentException($"Row {ordinal}: task '{_tasks[t].Name}' weight {_rowWeights[t]} is not finite and ≥ 0.");
            _labels[t][slot] = _rowLabels[t];
            _weights[t][slot] = _rowWeights[t];
        }
        return true;
    }

    private void WriteDense(ReadOnlySpan<float> values)
    {
        if (_sparse is null)
            values.CopyTo(_dense.AsSpan(_slot * Dimension, Dimension));
        else
            _sparse.SetDense(_slot, values);
        _written = true;
    }

    private void WriteSparse(ReadOnlySpan<int> indices, ReadOnlySpan<float> values)
    {
        if (_sparse is null)
        {
            var row = _dense.AsSpan(_slot * Dimension, Dimension);
            row.Clear();
            for (int i = 0; i < indices.Length; i++)
                row[indices[i]] = values[i];
        }
        else
        {
            _sparse.Set(_slot, indices, values);
        }
        _written = true;
    }

    /// <summary>Copies slot <paramref name="slot"/> into slot <paramref name="targetSlot"/> of <paramref name="target"/> (same tasks and width).</summary>
    public void CopyTo(int slot, RowStore target, int targetSlot)
    {
        if (_sparse is null)
            _dense.AsSpan(slot * Dimension, Dimension).CopyTo(target._dense.AsSpan(targetSlot * Dimension, Dimension));
        else
            target._sparse!.Set(targetSlot, _sparse.Indices(slot), _sparse.Values(slot));
        for (int t = 0; t < _tasks.Count; t++)
        {
            target._labels[t][targetSlot] = _labels[t][slot];
            target._weights[t][targetSlot] = _weights[t][slot];
        }
    }

    /// <summary>Adds <paramref name="slot"/>'s row — its features as stored, its labels and weights — to <paramref name="hash"/>.</summary>
    public void AppendTo(IncrementalHash hash, int slot)
    {
        if (_sparse is null)
        {
            hash.AppendData(MemoryMarshal.AsBytes(_dense.AsSpan(slot * Dimension, Dimension)));
        }
        else
        {
            int count = _sparse.Count(slot);
            hash.AppendData(MemoryMarshal.AsBytes(new ReadOnlySpan<int>(in count)));
            hash.AppendData(MemoryMarshal.AsBytes(_sparse.Indices(slot)));
            hash.AppendData(MemoryMarshal.AsBytes(_sparse.Values(slot)));
        }
        for (int t = 0; t < _tasks.Count; t++)
        {
            hash.AppendData(MemoryMarshal.AsBytes(new ReadOnlySpan<float>(in _labels[t][slot])));
            hash.AppendData(MemoryMarshal.AsBytes(new ReadOnlySpan<float>(in _weights[t][slot])));
        }
    }

    /// <summary>The label of task <paramref name="task"/> in <paramref name="slot"/>.</summary>
    public float Label(int task, int slot) => _labels[task][slot];

    /// <summary>Stored values of <paramref name="slot"/>: its non-zeros when sparse, the width when dense.</summary>
    public int StoredValues(int slot) => _sparse?.Count(slot) ?? Dimension;

    /// <summary>A standalone data set of slots [0, <paramref name="rows"/>) (copied).</summary>
    public MultiTaskDataset ToDataset(int rows)
    {
        FeatureMatrix features = _sparse is null
            ? new DenseFeatures(_dense.AsSpan(0, rows * Dimension).ToArray(), rows, Dimension)
            : _sparse.ToCsr(rows);
        return new(features, _tasks, _labels.Select(l => l[..rows]).ToArray(), taskWeights: _weights.Select(w => (float[]?)w[..rows]).ToArray());
    }
}
