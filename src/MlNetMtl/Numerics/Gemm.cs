using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MlNetMtl.Numerics;

/// <summary>
/// Single-precision matrix products on row-major matrices, in the three forms training needs, each with an
/// optional fused epilogue: <c>C = act(C₀ + op(A)·op(B) + bias)</c>, where C₀ is C's old value when
/// <c>accumulate</c> is true and zero otherwise.
/// </summary>
/// <remarks>
/// Blocked in the BLIS manner: B is packed per (depth block × column block); a transposed A is packed per (row block ×
/// depth block), a row-major A is read in place (its rows already run along k; only a last partial tile is packed),
/// and a register-tiled micro-kernel (<see cref="GemmKernel"/>) runs over the packed panels at the active
/// <see cref="SimdPath"/>. Packing buffers are per thread and reused, so calls do not allocate once warm.
/// </remarks>
internal static class Gemm
{
    private const int DepthBlock = 256;   // KC: a packed B panel (KC × NR) stays in L1.
    private const int RowBlock = 128;     // MC (rounded down to whole tiles): the packed A block (MC × KC) stays in L2.
    private const int ColumnBlock = 2048; // NC: the packed B block (KC × NC) stays in L2.
    private const int SmallRows = 4;      // up to this many rows of C, packing B costs more than it saves: stream its rows instead.

    [ThreadStatic] private static float[]? s_packedA;
    [ThreadStatic] private static float[]? s_packedB;

    /// <summary><c>C[m×n] = act(C₀ + A[m×k]·B[k×n] + bias)</c>: the forward pass of a dense layer.</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n,
        bool accumulate = false, ReadOnlySpan<float> bias = default, Activation activation = Activation.Identity)
    {
        Validate(a, b, c, m, k, n, bias, "A[m×k]", "B[k×n]");
        Run(StridedMatrix.RowMajor(a, k), new GemmColumns(StridedMatrix.RowMajor(b, n), c, n, bias), m, k, accumulate, activation);
    }

    /// <summary><c>C[m×n] = C₀ + A[m×k]·Bᵀ</c> with B stored as [n×k]: the input gradient <c>dX = dY·Wᵀ</c>.</summary>
    public static void MultiplyTransposeB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n,
        bool accumulate = false)
    {
        Validate(a, b, c, m, k, n, default, "A[m×k]", "B[n×k]");
        Run(StridedMatrix.RowMajor(a, k), new GemmColumns(StridedMatrix.TransposedRowMajor(b, k), c, n, default), m, k, accumulate, Activation.Identity);
    }

    /// <summary><c>C[m×n] = C₀ + Aᵀ·B</c> with A stored as [k×m] and B as [k×n]: the weight gradient <c>dW = Xᵀ·dY</c>.</summary>
    public static void MultiplyTransposeA(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n,
        bool accumulate = false)
    {
        Validate(a, b, c, m, k, n, default, "A[k×m]", "B[k×n]");
        Run(StridedMatrix.TransposedRowMajor(a, m), new GemmColumns(StridedMatrix.RowMajor(b, n), c, n, default), m, k, accumulate, Activation.Identity);
    }

    /// <summary>
    /// <c>C_s = act_s(A[m×k]·B_s + bias_s)</c> for segments s of columns [starts[s], starts[s+1]) (B_s [k × width_s],
    /// C_s [m × width_s]): the first layers of several MLPs reading one input, as one product (A is packed once).
    /// Biases and activations may be null (none; identity).
    /// </summary>
    internal static void MultiplySegments(ReadOnlySpan<float> a, IReadOnlyList<float[]> b, IReadOnlyList<float[]> c, int m, int k, int[] starts,
        IReadOnlyList<float[]>? bias, Activation[]? activations)
    {
        ValidateSegments(b, c, bias, activations, m, k, starts);
        ArgumentOutOfRangeException.ThrowIfLessThan(a.Length, m * k, nameof(a));
        RunSegments(StridedMatrix.RowMajor(a, k), b, c, m, k, starts, bias, activations);
    }

    /// <summary>
    /// <c>C_s = Aᵀ·B_s</c> with A stored as [k×m] and B_s as [k × width_s], C_s [m × width_s]: the weight gradients of
    /// several first layers reading one input, as one product (A is packed once).
    /// </summary>
    internal static void MultiplyTransposeASegments(ReadOnlySpan<float> a, IReadOnlyList<float[]> b, IReadOnlyList<float[]> c, int m, int k, int[] starts)
    {
        ValidateSegments(b, c, null, null, m, k, starts);
        ArgumentOutOfRangeException.ThrowIfLessThan(a.Length, m * k, nameof(a));
        RunSegments(StridedMatrix.TransposedRowMajor(a, m), b, c, m, k, starts, null, null);
    }

    private static void ValidateSegments(IReadOnlyList<float[]> b, IReadOnlyList<float[]> c, IReadOnlyList<float[]>? bias, Activation[]? activations,
        int rows, int depth, int[] starts)
    {
        if (b.Count != c.Count || starts.Length != b.Count + 1 || (bias is not null && bias.Count != b.Count) || (activations is not null && activations.Length != b.Count))
            throw new ArgumentException($"There are {b.Count} B, {c.Count} C, {bias?.Count} bias and {activations?.Length} activation segments and {starts.Length} segment starts; give one of each per segment and one start more.", nameof(c));
        for (int s = 0; s < b.Count; s++)
        {
            int width = starts[s + 1] - starts[s];
            if (width <= 0 || starts[0] != 0)
                throw new ArgumentException($"Segment {s} has width {width}; starts must begin at 0 and increase.", nameof(starts));
            if (b[s].Length < depth * width)
                throw new ArgumentException($"B segment {s} holds {b[s].Length} values; {depth}×{width} are needed.", nameof(b));
            if (c[s].Length < rows * width)
                throw new ArgumentException($"C segment {s} holds {c[s].Length} values; {rows}×{width} are needed.", nameof(c));
            if (bias is not null && bias[s].Length != width)
                throw new ArgumentException($"Bias segment {s} has {bias[s].Length} values; {width} are needed.", nameof(bias));
        }
    }

    /// <summary>The segments as one product when each fills whole register panels; otherwise one product each.</summary>
    private static void RunSegments(StridedMatrix a, IReadOnlyList<float[]> b, IReadOnlyList<float[]> c, int m, int k, int[] starts,
        IReadOnlyList<float[]>? bias, Activation[]? activations)
    {
        int lanes = SimdPaths.Active switch { SimdPath.Vector512 => 16, SimdPath.Vector256 => 8, _ => 1 };
        int panel = GemmKernel.ColumnsPerTile(lanes);
        bool panelsAligned = true;
        for (int s = 0; s < b.Count; s++)
            panelsAligned &= (starts[s + 1] - starts[s]) % panel == 0;
        if (m <= SmallRows || k == 0 || !panelsAligned)
        {
            for (int s = 0; s < b.Count; s++)
            {
                int width = starts[s + 1] - starts[s];
                Run(a, new GemmColumns(StridedMatrix.RowMajor(b[s], width), c[s], width, bias is null ? default : bias[s]), m, k, false,
                    activations?[s] ?? Activation.Identity);
            }
            return;
        }
        Run(a, new GemmColumns(b, c, starts, bias, activations), m, k, false, Activation.Identity);
    }

    private static void Validate(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n,
        ReadOnlySpan<float> bias, string aShape, string bShape)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (a.Length < (long)m * k)
            throw new ArgumentException($"A holds {a.Length} values; {aShape} with m={m}, k={k} needs {(long)m * k}.", nameof(a));
        if (b.Length < (long)k * n)
            throw new ArgumentException($"B holds {b.Length} values; {bShape} with k={k}, n={n} needs {(long)k * n}.", nameof(b));
        if (c.Length < (long)m * n)
            throw new ArgumentException($"C holds {c.Length} values; C[m×n] with m={m}, n={n} needs {(long)m * n}.", nameof(c));
        if (!bias.IsEmpty && bias.Length != n)
            throw new ArgumentException($"The bias has {bias.Length} values; it needs one per output column (n={n}).", nameof(bias));
    }

    private static void Run(StridedMatrix a, GemmColumns columns, int m, int k, bool accumulate, Activation activation)
    {
        int n = columns.Count;
        if (m == 0 || n == 0)
            return;
        if (!columns.IsSegmented && m <= SmallRows && columns.B.ColumnStride == 1)
        {
            MultiplyFewRows(a, columns.B, columns.Single, m, k, n, accumulate, columns.Bias, activation);
            return;
        }
        switch (SimdPaths.Active)
        {
            case SimdPath.Vector512: Run<Simd512, Vector512<float>>(a, columns, m, k, accumulate, activation); break;
            case SimdPath.Vector256: Run<Simd256, Vector256<float>>(a, columns, m, k, accumulate, activation); break;
            default: Run<SimdScalar, float>(a, columns, m, k, accumulate, activation); break;
        }
    }

    private static void Run<TS, TV>(StridedMatrix a, GemmColumns columns, int m, int k, bool accumulate, Activation activation)
        where TS : ISimd<TV> where TV : struct
    {
        int mr = GemmKernel.RowsPerTile(TS.Count), nr = GemmKernel.ColumnsPerTile(TS.Count), n = columns.Count;
        if (k == 0)
        {
            ApplyEpilogueOnly(columns.Single[..(m * n)], n, new GemmEpilogue(!accumulate, true, columns.Bias, activation));
            return;
        }

        int columnBlock = Math.Min(ColumnBlock, RoundUp(n, nr));
        int depthBlock = Math.Min(DepthBlock, k);
        int rowBlock = Math.Min(RowBlock / mr * mr, RoundUp(m, mr)); // whole tiles: an edge tile per block would waste the kernel
        Span<float> packedA = Scratch(ref s_packedA, rowBlock * depthBlock);
        Span<float> packedB = Scratch(ref s_packedB, columnBlock * depthBlock);
        Span<float> edgeTile = stackalloc float[mr * nr];
        bool readInPlace = a.ColumnStride == 1;

        for (int jc = 0; jc < n; jc += columnBlock)
        {
            int nc = Math.Min(columnBlock, n - jc);
            for (int pc = 0; pc < k; pc += depthBlock)
            {
                int kc = Math.Min(depthBlock, k - pc);
                bool overwrite = pc == 0 && !accumulate, final = pc + kc == k;
                columns.PackB(pc, kc, jc, nc, nr, packedB);
                for (int ic = 0; ic < m; ic += rowBlock)
                {
                    int mc = Math.Min(rowBlock, m - ic);
                    // A row-major A is read in place by whole tiles (its rows are contiguous in k); only a last partial
                    // tile, and a transposed A, are packed (zero-padded) first.
                    int inPlace = readInPlace ? mc / mr * mr : 0;
                    GemmPacking.PackA(a, ic + inPlace, mc - inPlace, pc, kc, mr, packedA);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int cols = Math.Min(nr, nc - jr);
                        ref float bPanel = ref packedB[jr * kc];
                        var epilogue = new GemmEpilogue(overwrite, final, columns.BiasAt(jc + jr, out int biasColumn), columns.ActivationAt(jc + jr, activation));
                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int rows = Math.Min(mr, mc - ir);
                            bool inPlaceTile = ir < inPlace;
                            ref float aPanel = ref inPlaceTile ? ref Unsafe.AsRef(in a.Data[(ic + ir) * a.RowStride + pc]) : ref packedA[(ir - inPlace) * kc];
                            nint aRow = inPlaceTile ? a.RowStride : 1, aStep = inPlaceTile ? 1 : mr;
                            ref float cTile = ref columns.At(ic + ir, jc + jr, out nint ldc);
                            if (rows == mr && cols == nr)
                            {
                                GemmKernel.Tile<TS, TV>(kc, ref aPanel, aRow, aStep, ref bPanel, ref cTile, ldc, biasColumn, epilogue);
                            }
                            else
                            {
                                GemmKernel.Tile<TS, TV>(kc, ref aPanel, aRow, aStep, ref bPanel, ref MemoryMarshal.GetReference(edgeTile), nr, 0, GemmEpilogue.Raw);
                                WriteEdgeTile(edgeTile, nr, ref cTile, ldc, rows, cols, biasColumn, epilogue);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Writes the valid <paramref name="rows"/> × <paramref name="cols"/> corner of a scratch tile through the epilogue.</summary>
    private static void WriteEdgeTile(ReadOnlySpan<float> tile, int tileStride, ref float c, nint ldc, int rows, int cols, int biasColumn, in GemmEpilogue epilogue)
    {
        ref readonly float bias = ref epilogue.Bias.IsEmpty ? ref Unsafe.NullRef<float>() : ref epilogue.Bias[biasColumn];
        for (int r = 0; r < rows; r++)
        {
            ref float cRow = ref Unsafe.Add(ref c, r * ldc);
            for (int j = 0; j < cols; j++)
                GemmKernel.Finish<SimdScalar, float>(tile[r * tileStride + j], ref cRow, j, in bias, epilogue);
        }
    }

    /// <summary>
    /// A few rows of C (single-row prediction): no packing — each block of 4 registers of a row of C stays in registers
    /// while the rows of B stream through (one broadcast of a[i, p] feeds 4 FMAs), so the cost is m·k·n, not k·n copies.
    /// </summary>
    private static void MultiplyFewRows(StridedMatrix a, StridedMatrix b, Span<float> c, int m, int k, int n,
        bool accumulate, ReadOnlySpan<float> bias, Activation activation)
    {
        var epilogue = new GemmEpilogue(overwrite: true, final: true, bias, activation);
        int vectorColumns = SimdPaths.Active switch
        {
            SimdPath.Vector512 => FewRows<Simd512, Vector512<float>>(a, b, c, m, k, n, 0, n, accumulate, epilogue),
            SimdPath.Vector256 => FewRows<Simd256, Vector256<float>>(a, b, c, m, k, n, 0, n, accumulate, epilogue),
            _ => 0,
        };
        FewRows<SimdScalar, float>(a, b, c, m, k, n, vectorColumns, n, accumulate, epilogue);
    }

    /// <summary>Columns [<paramref name="from"/>, <paramref name="to"/>) of the few-rows product in whole registers; returns where it stopped.</summary>
    private static int FewRows<TS, TV>(StridedMatrix a, StridedMatrix b, Span<float> c, int m, int k, int n, int from, int to,
        bool accumulate, in GemmEpilogue epilogue)
        where TS : ISimd<TV> where TV : struct
    {
        nint w = TS.Count;
        ref readonly float bias = ref epilogue.Bias.IsEmpty ? ref Unsafe.NullRef<float>() : ref MemoryMarshal.GetReference(epilogue.Bias);
        ref readonly float b0 = ref MemoryMarshal.GetReference(b.Data);
        ref float c0 = ref MemoryMarshal.GetReference(c);
        int j = from;
        for (; j + 4 * w <= to; j += 4 * (int)w)
            for (int i = 0; i < m; i++)
            {
                ref float cRow = ref Unsafe.Add(ref c0, (nint)i * n + j);
                TV acc0 = accumulate ? TS.Load(in cRow, 0) : TS.Zero, acc1 = accumulate ? TS.Load(in cRow, w) : TS.Zero;
                TV acc2 = accumulate ? TS.Load(in cRow, 2 * w) : TS.Zero, acc3 = accumulate ? TS.Load(in cRow, 3 * w) : TS.Zero;
                for (int p = 0; p < k; p++)
                {
                    TV x = TS.Broadcast(a.Data[i * a.RowStride + p * a.ColumnStride]);
                    ref readonly float bRow = ref Unsafe.Add(ref Unsafe.AsRef(in b0), (nint)p * b.RowStride + j);
                    acc0 = TS.MultiplyAdd(x, TS.Load(in bRow, 0), acc0);
                    acc1 = TS.MultiplyAdd(x, TS.Load(in bRow, w), acc1);
                    acc2 = TS.MultiplyAdd(x, TS.Load(in bRow, 2 * w), acc2);
                    acc3 = TS.MultiplyAdd(x, TS.Load(in bRow, 3 * w), acc3);
                }
                ref readonly float biasAt = ref epilogue.Bias.IsEmpty ? ref bias : ref Unsafe.Add(ref Unsafe.AsRef(in bias), j);
                GemmKernel.Finish<TS, TV>(acc0, ref cRow, 0, in biasAt, epilogue);
                GemmKernel.Finish<TS, TV>(acc1, ref cRow, w, in biasAt, epilogue);
                GemmKernel.Finish<TS, TV>(acc2, ref cRow, 2 * w, in biasAt, epilogue);
                GemmKernel.Finish<TS, TV>(acc3, ref cRow, 3 * w, in biasAt, epilogue);
            }
        for (; j + w <= to; j += (int)w)
            for (int i = 0; i < m; i++)
            {
                ref float cRow = ref Unsafe.Add(ref c0, (nint)i * n + j);
                TV acc = accumulate ? TS.Load(in cRow, 0) : TS.Zero;
                for (int p = 0; p < k; p++)
                    acc = TS.MultiplyAdd(TS.Broadcast(a.Data[i * a.RowStride + p * a.ColumnStride]),
                        TS.Load(in Unsafe.Add(ref Unsafe.AsRef(in b0), (nint)p * b.RowStride + j), 0), acc);
                ref readonly float biasAt = ref epilogue.Bias.IsEmpty ? ref bias : ref Unsafe.Add(ref Unsafe.AsRef(in bias), j);
                GemmKernel.Finish<TS, TV>(acc, ref cRow, 0, in biasAt, epilogue);
            }
        return j;
    }

    /// <summary>k = 0: the product is empty, only C₀, the bias and the activation remain.</summary>
    private static void ApplyEpilogueOnly(Span<float> c, int n, in GemmEpilogue epilogue)
    {
        ref readonly float bias = ref epilogue.Bias.IsEmpty ? ref Unsafe.NullRef<float>() : ref MemoryMarshal.GetReference(epilogue.Bias);
        for (int row = 0; row < c.Length; row += n)
        {
            ref float cRow = ref c[row];
            for (int j = 0; j < n; j++)
                GemmKernel.Finish<SimdScalar, float>(0f, ref cRow, j, in bias, epilogue);
        }
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    private static Span<float> Scratch(ref float[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length)
            buffer = new float[length];
        return buffer.AsSpan(0, length);
    }
}
