using MlNetMtl.Numerics;

namespace MlNetMtl.Networks;

/// <summary>A batch of input rows as the first layer reads them: dense row-major values or sparse rows.</summary>
public readonly ref struct InputBatch
{
    /// <summary>Dense values (rows × dimension), when not sparse.</summary>
    public readonly ReadOnlySpan<float> Dense;
    /// <summary>Sparse rows, when <see cref="IsSparse"/>.</summary>
    internal readonly CsrRows Sparse;
    /// <summary>True when the rows are sparse.</summary>
    public readonly bool IsSparse;
    /// <summary>Number of rows.</summary>
    public readonly int Rows;
    /// <summary>Width of a row.</summary>
    public readonly int Dimension;

    private InputBatch(ReadOnlySpan<float> dense, CsrRows sparse, bool isSparse, int rows, int dimension)
    {
        Dense = dense;
        Sparse = sparse;
        IsSparse = isSparse;
        Rows = rows;
        Dimension = dimension;
    }

    /// <summary>Dense rows, row-major.</summary>
    public static InputBatch FromDense(ReadOnlySpan<float> values, int rows, int dimension)
    {
        if (values.Length != (long)rows * dimension)
            throw new ArgumentException($"The batch holds {values.Length} values; {rows} rows × {dimension} need {(long)rows * dimension}.", nameof(values));
        return new(values, default, false, rows, dimension);
    }

    /// <summary>Sparse rows.</summary>
    internal static InputBatch FromSparse(CsrRows rows) => new(default, rows, true, rows.Rows, rows.Columns);
}
