namespace MlNetMtl.Numerics;

/// <summary>
/// Copies blocks of the operands into the contiguous, zero-padded panels the micro-kernel streams through:
/// A as panels of MR rows (<see cref="GemmKernel.RowsPerTile"/>) interleaved by k, B as panels of NR columns
/// interleaved by k. Padding lanes are zero, so edge tiles need no special case inside the kernel.
/// </summary>
internal static class GemmPacking
{
    /// <summary>Packs rows [row0, row0+rows) × depth [k0, k0+depth) of A into <paramref name="packed"/>, in panels of <paramref name="mr"/> rows.</summary>
    public static void PackA(StridedMatrix a, int row0, int rows, int k0, int depth, int mr, Span<float> packed)
    {
        int offset = 0;
        for (int i = 0; i < rows; i += mr)
        {
            int valid = Math.Min(mr, rows - i);
            for (int p = 0; p < depth; p++)
            {
                int source = (row0 + i) * a.RowStride + (k0 + p) * a.ColumnStride;
                int r = 0;
                for (; r < valid; r++, source += a.RowStride)
                    packed[offset + r] = a.Data[source];
                for (; r < mr; r++)
                    packed[offset + r] = 0f;
                offset += mr;
            }
        }
    }

    /// <summary>Packs depth [k0, k0+depth) × columns [col0, col0+columns) of B into panels of <paramref name="panelWidth"/> columns.</summary>
    public static void PackB(StridedMatrix b, int k0, int depth, int col0, int columns, int panelWidth, Span<float> packed)
    {
        int offset = 0;
        for (int j = 0; j < columns; j += panelWidth)
        {
            int valid = Math.Min(panelWidth, columns - j);
            for (int p = 0; p < depth; p++)
            {
                var destination = packed.Slice(offset, panelWidth);
                int source = (k0 + p) * b.RowStride + (col0 + j) * b.ColumnStride;
                if (b.ColumnStride == 1)
                {
                    b.Data.Slice(source, valid).CopyTo(destination);
                }
                else
                {
                    for (int c = 0; c < valid; c++, source += b.ColumnStride)
                        destination[c] = b.Data[source];
                }
                destination[valid..].Clear();
                offset += panelWidth;
            }
        }
    }
}
