namespace MlNetMtl.Numerics;

/// <summary>
/// Rows of a sparse matrix in compressed-row form (as ML.NET's one-hot and hashing encoders produce them):
/// row i's non-zeros are <c>Indices[RowStarts[i]..RowStarts[i+1]]</c> with <c>Values</c> alongside. Row starts
/// are absolute positions, so a run of rows of a larger matrix is a slice of its row starts.
/// </summary>
internal readonly ref struct CsrRows
{
    /// <summary>Start of each row's non-zeros in <see cref="Indices"/>; one more entry than rows.</summary>
    public readonly ReadOnlySpan<int> RowStarts;
    /// <summary>Column index of each non-zero.</summary>
    public readonly ReadOnlySpan<int> Indices;
    /// <summary>Value of each non-zero.</summary>
    public readonly ReadOnlySpan<float> Values;
    /// <summary>The matrix's width (the dense input dimension).</summary>
    public readonly int Columns;

    /// <summary>Wraps compressed-row arrays, checking that they describe a valid matrix.</summary>
    public CsrRows(ReadOnlySpan<int> rowStarts, ReadOnlySpan<int> indices, ReadOnlySpan<float> values, int columns)
    {
        if (rowStarts.IsEmpty)
            throw new ArgumentException("Row starts need one entry per row plus one.", nameof(rowStarts));
        if (indices.Length != values.Length)
            throw new ArgumentException($"There are {indices.Length} indices but {values.Length} values.", nameof(values));
        if (rowStarts[0] < 0 || rowStarts[^1] > indices.Length || rowStarts[^1] < rowStarts[0])
            throw new ArgumentException($"Row starts must lie within the {indices.Length} non-zeros, first to last.", nameof(rowStarts));
        RowStarts = rowStarts;
        Indices = indices;
        Values = values;
        Columns = columns;
    }

    /// <summary>Number of rows.</summary>
    public int Rows => RowStarts.Length - 1;

    /// <summary>Adds row <paramref name="row"/>'s non-zeros into <paramref name="dense"/> (a row of <see cref="Columns"/> values).</summary>
    public void AddRowTo(int row, Span<float> dense)
    {
        for (int k = RowStarts[row]; k < RowStarts[row + 1]; k++)
            dense[Indices[k]] += Values[k];
    }
}
