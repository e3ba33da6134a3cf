namespace MlNetMtl.Data;

/// <summary>
/// Where an <see cref="IRowReader"/> puts one row's features: all of them, or just the non-zeros. Values are checked
/// as they come (finite; sparse indices ascending and inside the width), and the message names the row.
/// </summary>
public sealed class RowFeatures
{
    private readonly Action<ReadOnlySpan<float>> _dense;
    private readonly SparseSink _sparse;

    internal delegate void SparseSink(ReadOnlySpan<int> indices, ReadOnlySpan<float> values);

    internal RowFeatures(int dimension, Action<ReadOnlySpan<float>> dense, SparseSink sparse)
    {
        Dimension = dimension;
        _dense = dense;
        _sparse = sparse;
    }

    /// <summary>Width of a row.</summary>
    public int Dimension { get; }

    /// <summary>The row's position in the stream (for messages).</summary>
    internal long Row { get; set; }

    /// <summary>The row as <see cref="Dimension"/> values.</summary>
    /// <exception cref="ArgumentException">The length is not the width, or a value is not finite.</exception>
    public void SetDense(ReadOnlySpan<float> values)
    {
        if (values.Length != Dimension)
            throw new ArgumentException($"Row {Row} has {values.Length} feature values; the stream's rows have {Dimension}.", nameof(values));
        for (int i = 0; i < values.Length; i++)
            CheckFinite(values[i], i);
        _dense(values);
    }

    /// <summary>The row as its non-zeros: ascending column <paramref name="indices"/> and their <paramref name="values"/>.</summary>
    /// <exception cref="ArgumentException">The lengths differ, an index is out of range or not ascending, or a value is not finite.</exception>
    public void SetSparse(ReadOnlySpan<int> indices, ReadOnlySpan<float> values)
    {
        if (indices.Length != values.Length)
            throw new ArgumentException($"Row {Row} has {indices.Length} feature indices but {values.Length} values.", nameof(values));
        for (int i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)Dimension || (i > 0 && indices[i] <= indices[i - 1]))
                throw new ArgumentException($"Row {Row}: feature index {indices[i]} is outside [0, {Dimension}) or not ascending.", nameof(indices));
            CheckFinite(values[i], indices[i]);
        }
        _sparse(indices, values);
    }

    private void CheckFinite(float value, int column)
    {
        if (!float.IsFinite(value))
            throw new ArgumentException($"Row {Row}, feature {column}: the value is {value}; features must be finite (impute or drop missing values first).");
    }
}
