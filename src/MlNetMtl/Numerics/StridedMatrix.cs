namespace MlNetMtl.Numerics;

/// <summary>
/// A read-only view of a matrix whose element (i, j) is at <c>i·RowStride + j·ColumnStride</c>:
/// a row-major matrix and its transpose are the same data with the strides swapped, so one packing
/// routine serves the three GEMM forms.
/// </summary>
internal readonly ref struct StridedMatrix(ReadOnlySpan<float> data, int rowStride, int columnStride)
{
    public readonly ReadOnlySpan<float> Data = data;
    public readonly int RowStride = rowStride;
    public readonly int ColumnStride = columnStride;

    public static StridedMatrix RowMajor(ReadOnlySpan<float> data, int columns) => new(data, columns, 1);
    public static StridedMatrix TransposedRowMajor(ReadOnlySpan<float> data, int columns) => new(data, 1, columns);
}
