using System.Runtime.CompilerServices;

namespace MlNetMtl.Numerics;

/// <summary>What the micro-kernel does with its accumulators when it writes a tile of C.</summary>
internal readonly ref struct GemmEpilogue(bool overwrite, bool final, ReadOnlySpan<float> bias, Activation activation)
{
    /// <summary>True: C = acc. False: C += acc (a later depth block, or the caller asked to accumulate).</summary>
    public readonly bool Overwrite = overwrite;
    /// <summary>True on the last depth block: add the bias and apply the activation.</summary>
    public readonly bool Final = final;
    /// <summary>Bias by output column, or empty for none.</summary>
    public readonly ReadOnlySpan<float> Bias = bias;
    public readonly Activation Activation = activation;

    /// <summary>The epilogue that stores raw accumulators (into an edge tile's scratch).</summary>
    public static GemmEpilogue Raw => new(true, false, default, Activation.Identity);
}

/// <summary>
/// The register-blocked micro-kernel: an MR × (2 registers) tile of C is held in 2·MR accumulators while the packed
/// panels of A and B stream through; one broadcast of A feeds two FMAs.
/// </summary>
internal static class GemmKernel
{
    /// <summary>
    /// Rows of C per register tile (MR) for a register type of <paramref name="lanes"/> floats: 6 for AVX2, whose 16
    /// registers hold 12 accumulators, two B loads and the A broadcast (8 rows would need 19 and spill to the stack
    /// inside the loop); 8 otherwise (AVX-512 has 32 registers).
    /// </summary>
    public static int RowsPerTile(int lanes) => lanes == 8 ? 6 : 8;

    /// <summary>Columns of C per register tile (NR) for a register type of <paramref name="lanes"/> floats.</summary>
    public static int ColumnsPerTile(int lanes) => 2 * lanes;

    /// <summary>
    /// Multiplies MR rows of A by a B panel (depth × NR, interleaved) and writes the full MR × NR tile at
    /// <paramref name="c"/> (row stride <paramref name="ldc"/>) through the epilogue; <paramref name="biasColumn"/> is the
    /// tile's first column in the bias vector. A's element (r, p) is at <c>ap[r·aRow + p·aStep]</c>: a packed panel
    /// (aRow 1, aStep MR) or MR whole rows of a row-major A read in place (aRow = its row stride, aStep 1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile<TS, TV>(int depth, ref float ap, nint aRow, nint aStep, ref float bp, ref float c, nint ldc, int biasColumn, in GemmEpilogue epilogue)
        where TS : ISimd<TV> where TV : struct
    {
        nint w = TS.Count;
        bool eightRows = RowsPerTile(TS.Count) == 8; // a JIT-time constant: the AVX2 kernel has no rows 6 and 7
        TV c00 = TS.Zero, c01 = TS.Zero, c10 = TS.Zero, c11 = TS.Zero, c20 = TS.Zero, c21 = TS.Zero, c30 = TS.Zero, c31 = TS.Zero;
        TV c40 = TS.Zero, c41 = TS.Zero, c50 = TS.Zero, c51 = TS.Zero, c60 = TS.Zero, c61 = TS.Zero, c70 = TS.Zero, c71 = TS.Zero;
        for (int p = 0; p < depth; p++)
        {
            TV b0 = TS.Load(in bp, 0);
            TV b1 = TS.Load(in bp, w);
            TV a = TS.Broadcast(ap);
            c00 = TS.MultiplyAdd(a, b0, c00); c01 = TS.MultiplyAdd(a, b1, c01);
            a = TS.Broadcast(Unsafe.Add(ref ap, aRow));
            c10 = TS.MultiplyAdd(a, b0, c10); c11 = TS.MultiplyAdd(a, b1, c11);
            a = TS.Broadcast(Unsafe.Add(ref ap, 2 * aRow));
            c20 = TS.MultiplyAdd(a, b0, c20); c21 = TS.MultiplyAdd(a, b1, c21);
            a = TS.Broadcast(Unsafe.Add(ref ap, 3 * aRow));
            c30 = TS.MultiplyAdd(a, b0, c30); c31 = TS.MultiplyAdd(a, b1, c31);
            a = TS.Broadcast(Unsafe.Add(ref ap, 4 * aRow));
            c40 = TS.MultiplyAdd(a, b0, c40); c41 = TS.MultiplyAdd(a, b1, c41);
            a = TS.Broadcast(Unsafe.Add(ref ap, 5 * aRow));
            c50 = TS.MultiplyAdd(a, b0, c50); c51 = TS.MultiplyAdd(a, b1, c51);
            if (eightRows)
            {
                a = TS.Broadcast(Unsafe.Add(ref ap, 6 * aRow));
                c60 = TS.MultiplyAdd(a, b0, c60); c61 = TS.MultiplyAdd(a, b1, c61);
                a = TS.Broadcast(Unsafe.Add(ref ap, 7 * aRow));
                c70 = TS.MultiplyAdd(a, b0, c70); c71 = TS.MultiplyAdd(a, b1, c71);
            }
            ap = ref Unsafe.Add(ref ap, aStep);
            bp = ref Unsafe.Add(ref bp, 2 * w);
        }

        ref readonly float bias = ref epilogue.Bias.IsEmpty ? ref Unsafe.NullRef<float>() : ref epilogue.Bias[biasColumn];
        StoreRow<TS, TV>(c00, c01, ref c, in bias, epilogue);
        StoreRow<TS, TV>(c10, c11, ref Unsafe.Add(ref c, ldc), in bias, epilogue);
        StoreRow<TS, TV>(c20, c21, ref Unsafe.Add(ref c, 2 * ldc), in bias, epilogue);
        StoreRow<TS, TV>(c30, c31, ref Unsafe.Add(ref c, 3 * ldc), in bias, epilogue);
        StoreRow<TS, TV>(c40, c41, ref Unsafe.Add(ref c, 4 * ldc), in bias, epilogue);
        StoreRow<TS, TV>(c50, c51, ref Unsafe.Add(ref c, 5 * ldc), in bias, epilogue);
        if (eightRows)
        {
            StoreRow<TS, TV>(c60, c61, ref Unsafe.Add(ref c, 6 * ldc), in bias, epilogue);
            StoreRow<TS, TV>(c70, c71, ref Unsafe.Add(ref c, 7 * ldc), in bias, epilogue);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<TS, TV>(TV acc0, TV acc1, ref float c, ref readonly float bias, in GemmEpilogue epilogue)
        where TS : ISimd<TV> where TV : struct
    {
        nint w = TS.Count;
        Finish<TS, TV>(acc0, ref c, 0, in bias, epilogue);
        Finish<TS, TV>(acc1, ref c, w, in bias, epilogue);
    }

    /// <summary>
    /// Writes one register of results: C = acc or C + acc, then (on the final block) + bias and the activation.
    /// The edge path calls it with <see cref="SimdScalar"/>, so both paths share one definition.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Finish<TS, TV>(TV acc, ref float c, nint offset, ref readonly float bias, in GemmEpilogue epilogue)
        where TS : ISimd<TV> where TV : struct
    {
        TV value = epilogue.Overwrite ? acc : TS.Add(TS.Load(in c, offset), acc);
        if (epilogue.Final)
        {
            if (!epilogue.Bias.IsEmpty)
                value = TS.Add(value, TS.Load(in bias, offset));
            if (epilogue.Activation == Activation.Relu)
                value = TS.Max(value, TS.Zero);
        }
        TS.Store(value, ref c, offset);
    }
}
