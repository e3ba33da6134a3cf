using MlNetMtl.Data;

namespace MlNetMtl.Training;

/// <summary>Sparse rows held slot by slot (each slot's non-zeros in its own reusable arrays), as a shuffle buffer of wide rows needs.</summary>
internal sealed class SlotFeatures : FeatureMatrix
{
    private readonly int[][] _indices;
    private readonly float[][] _values;
    private readonly int[] _counts;

    public SlotFeatures(int slots, int dimension) : base(slots, dimension)
    {
        _indices = Enumerable.Range(0, slots).Select(_ => Array.Empty<int>()).ToArray();
        _values = Enumerable.Range(0, slots).Select(_ => Array.Empty<float>()).ToArray();
        _counts = new int[slots];
    }

    /// <inheritdoc/>
    public override double MeanValuesPerRow => _counts.Average();

    public int Count(int slot) => _counts[slot];
    public ReadOnlySpan<int> Indices(int slot) => _indices[slot].AsSpan(0, _counts[slot]);
    public ReadOnlySpan<float> Values(int slot) => _values[slot].AsSpan(0, _counts[slot]);

    /// <summary>Stores the non-zeros of <paramref name="slot"/> (ascending indices).</summary>
    public void Set(int slot, ReadOnlySpan<int> indices, ReadOnlySpan<float> values)
    {
        Reserve(slot, indices.Length);
        indices.CopyTo(_indices[slot]);
        values.CopyTo(_values[slot]);
        _counts[slot] = indices.Length;
    }

    /// <summary>Stores the non-zeros of a dense row.</summary>
    public void SetDense(int slot, ReadOnlySpan<float> row)
    {
        int count = 0;
        foreach (float value in row)
            count += value != 0f ? 1 : 0;
        Reserve(slot, count);
        int position = 0;
        for (int i = 0; i < row.Length; i++)
            if (row[i] != 0f)
            {
                _indices[slot][position] = i;
                _values[slot][position++] = row[i];
            }
        _counts[slot] = count;
    }

    /// <summary>Slots [0, <paramref name="rows"/>) as compressed sparse rows (copied).</summary>
    public SparseFeatures ToCsr(int rows)
    {
        var starts = new int[rows + 1];
        for (int r = 0; r < rows; r++)
            starts[r + 1] = starts[r] + _counts[r];
        var indices = new int[starts[rows]];
        var values = new float[starts[rows]];
        for (int r = 0; r < rows; r++)
        {
            Indices(r).CopyTo(indices.AsSpan(starts[r]));
            Values(r).CopyTo(values.AsSpan(starts[r]));
        }
        return new SparseFeatures(starts, indices, values, Dimension);
    }

    private void Reserve(int slot, int count)
    {
        if (_indices[slot].Length >= count)
            return;
        int size = Math.Max(count, _indices[slot].Length * 2);
        _indices[slot] = new int[size];
        _values[slot] = new float[size];
    }
}
