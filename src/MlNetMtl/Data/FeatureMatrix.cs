using MlNetMtl.Numerics;

namespace MlNetMtl.Data;

/// <summary>The input rows of a data set: dense, or sparse for one-hot/hashed inputs of large width.</summary>
public abstract class FeatureMatrix
{
    private protected FeatureMatrix(int rows, int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        Rows = rows;
        Dimension = dimension;
    }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Width of a row (the input dimension).</summary>
    public int Dimension { get; }

    /// <summary>Mean stored values per row: the dimension for dense rows, the non-zeros for sparse ones.</summary>
    public abstract double MeanValuesPerRow { get; }
}

/// <summary>Dense rows stored row-major in one array.</summary>
public sealed class DenseFeatures : FeatureMatrix
{
    /// <summary>Wraps <paramref name="values"/> (rows × dimension, row-major) after checking every value is finite.</summary>
    /// <exception cref="ArgumentException">The length is not rows × dimension, or a value is NaN or infinite (the row and column are named).</exception>
    public DenseFeatures(float[] values, int rows, int dimension) : base(rows, dimension)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != (long)rows * dimension)
            throw new ArgumentException($"Dense features hold {values.Length} values; {rows} rows × {dimension} columns need {(long)rows * dimension}.", nameof(values));
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
                throw new ArgumentException($"Feature value at row {i / dimension}, column {i % dimension} is {values[i]}; features must be finite (impute or drop missing values first).", nameof(values));
        Values = values;
    }

    /// <summary>The row-major values.</summary>
    public float[] Values { get; }

    /// <inheritdoc/>
    public override double MeanValuesPerRow => Dimension;

    /// <summary>Row <paramref name="row"/>'s values.</summary>
    public ReadOnlySpan<float> Row(int row) => Values.AsSpan(row * Dimension, Dimension);
}

/// <summary>Sparse rows in compressed-row form (see <see cref="CsrRows"/>).</summary>
public sealed class SparseFeatures : FeatureMatrix
{
    /// <summary>Wraps compressed-row arrays after checking structure, index range and finiteness.</summary>
    /// <exception cref="ArgumentException">The arrays are inconsistent, an index is outside [0, dimension), or a value is NaN or infinite (the row is named).</exception>
    public SparseFeatures(int[] rowStarts, int[] indices, float[] values, int dimension) : base(CheckRowStarts(rowStarts), dimension)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(values);
        if (indices.Length != values.Length)
            throw new ArgumentException($"Sparse features have {indices.Length} indices but {values.Length} values.", nameof(values));
        if (rowStarts[^1] != indices.Length)
            throw new ArgumentException($"The last row start ({rowStarts[^1]}) must equal the non-zero count ({indices.Length}).", nameof(rowStarts));
        for (int row = 0; row < Rows; row++)
        {
            if (rowStarts[row + 1] < rowStarts[row])
                throw new ArgumentException($"Row starts decrease at row {row}.", nameof(rowStarts));
            for (int p = rowStarts[row]; p < rowStarts[row + 1]; p++)
            {
                if ((uint)indices[p] >= (uint)dimension)
                    throw new ArgumentException($"Row {row} has feature index {indices[p]}, outside the dimension {dimension}.", nameof(indices));
                if (!float.IsFinite(values[p]))
                    throw new ArgumentException($"Feature value at row {row}, column {indices[p]} is {values[p]}; features must be finite.", nameof(values));
            }
        }
        RowStarts = rowStarts;
        Indices = indices;
        Values = values;
    }

    /// <summary>Start of each row's non-zeros; one more entry than rows.</summary>
    public int[] RowStarts { get; }
    /// <summary>Column of each non-zero.</summary>
    public int[] Indices { get; }
    /// <summary>Value of each non-zero.</summary>
    public float[] Values { get; }

    /// <inheritdoc/>
    public override double MeanValuesPerRow => Rows == 0 ? 0 : (double)Indices.Length / Rows;

    /// <summary>All rows as a kernel view.</summary>
    internal CsrRows AsCsr() => new(RowStarts, Indices, Values, Dimension);

    private static int CheckRowStarts(int[] rowStarts)
    {
        ArgumentNullException.ThrowIfNull(rowStarts);
        if (rowStarts.Length == 0 || rowStarts[0] != 0)
            throw new ArgumentException("Row starts need one entry per row plus one, beginning with 0.", nameof(rowStarts));
        return rowStarts.Length - 1;
    }
}
