using MlNetMtl.Data;

namespace MlNetMtl.Training;

/// <summary>
/// A fixed number of dense rows with their labels and task weights, filled from an <see cref="IRowReader"/> and
/// checked on the way in (finite features, valid labels, finite non-negative weights, each error naming the row).
/// <see cref="View"/> presents the slots as a data set whose contents change as slots are refilled.
/// </summary>
internal sealed class RowStore
{
    private readonly IReadOnlyList<TaskDefinition> _tasks;
    private readonly float[] _features;
    private readonly float[][] _labels, _weights;
    private readonly float[] _rowLabels, _rowWeights;

    public RowStore(IReadOnlyList<TaskDefinition> tasks, int dimension, int capacity)
    {
        _tasks = tasks;
        Dimension = dimension;
        Capacity = capacity;
        _features = new float[checked(capacity * dimension)];
        _labels = tasks.Select(_ => new float[capacity]).ToArray();
        _weights = tasks.Select(_ => new float[capacity]).ToArray();
        _rowLabels = new float[tasks.Count];
        _rowWeights = new float[tasks.Count];
        View = new MultiTaskDataset(new DenseFeatures(_features, capacity, dimension), tasks, _labels, taskWeights: _weights);
    }

    public int Dimension { get; }
    public int Capacity { get; }

    /// <summary>The slots as a data set (row r = slot r), for gathering mini-batches.</summary>
    public MultiTaskDataset View { get; }

    /// <summary>Reads the next row of <paramref name="reader"/> into <paramref name="slot"/>; false at the end of the pass.</summary>
    /// <param name="reader">The pass.</param>
    /// <param name="slot">Where the row goes.</param>
    /// <param name="ordinal">The row's position in the stream, for error messages.</param>
    public bool Read(IRowReader reader, int slot, long ordinal)
    {
        var features = _features.AsSpan(slot * Dimension, Dimension);
        if (!reader.Read(features, _rowLabels, _rowWeights))
            return false;
        for (int i = 0; i < features.Length; i++)
            if (!float.IsFinite(features[i]))
                throw new ArgumentException($"Row {ordinal}, feature {i}: the value is {features[i]}; features must be finite (impute or drop missing values first).");
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

    /// <summary>Copies slot <paramref name="slot"/> into slot <paramref name="targetSlot"/> of <paramref name="target"/> (same tasks and width).</summary>
    public void CopyTo(int slot, RowStore target, int targetSlot)
    {
        _features.AsSpan(slot * Dimension, Dimension).CopyTo(target._features.AsSpan(targetSlot * Dimension, Dimension));
        for (int t = 0; t < _tasks.Count; t++)
        {
            target._labels[t][targetSlot] = _labels[t][slot];
            target._weights[t][targetSlot] = _weights[t][slot];
        }
    }

    /// <summary>The label of task <paramref name="task"/> in <paramref name="slot"/>.</summary>
    public float Label(int task, int slot) => _labels[task][slot];

    /// <summary>A standalone data set of slots [0, <paramref name="rows"/>) (copied).</summary>
    public MultiTaskDataset ToDataset(int rows) =>
        new(new DenseFeatures(_features.AsSpan(0, rows * Dimension).ToArray(), rows, Dimension), _tasks,
            _labels.Select(l => l[..rows]).ToArray(), taskWeights: _weights.Select(w => (float[]?)w[..rows]).ToArray());
}
