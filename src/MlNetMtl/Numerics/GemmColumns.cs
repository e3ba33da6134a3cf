namespace MlNetMtl.Numerics;

/// <summary>
/// The columns of a product's B and C: one matrix each (C row-major with n columns), or equal-width segments of
/// separate row-major matrices — B = [B₀ | B₁ | …], C = [C₀ | C₁ | …], bias = [b₀ | b₁ | …] — so that several products
/// sharing A (the first layers of a mixture's experts) run as one, with A packed once.
/// </summary>
internal readonly ref struct GemmColumns
{
    private readonly StridedMatrix _b;
    private readonly Span<float> _c;
    private readonly ReadOnlySpan<float> _bias;
    private readonly IReadOnlyList<float[]>? _bSegments, _cSegments, _biasSegments;

    /// <summary>One B and one C of <paramref name="n"/> columns.</summary>
    public GemmColumns(StridedMatrix b, Span<float> c, int n, ReadOnlySpan<float> bias)
    {
        _b = b;
        _c = c;
        _bias = bias;
        Count = SegmentWidth = n;
    }

    /// <summary>Segments of <paramref name="width"/> columns: B_s [k × width] and C_s [m × width], row-major; biases optional.</summary>
    public GemmColumns(IReadOnlyList<float[]> b, IReadOnlyList<float[]> c, int width, IReadOnlyList<float[]>? bias)
    {
        _bSegments = b;
        _cSegments = c;
        _biasSegments = bias;
        SegmentWidth = width;
        Count = width * b.Count;
    }

    /// <summary>Columns in all (n).</summary>
    public int Count { get; }
    /// <summary>Columns per segment (n for one matrix).</summary>
    public int SegmentWidth { get; }
    public bool IsSegmented => _bSegments is not null;
    /// <summary>The single B (not segmented).</summary>
    public StridedMatrix B => _b;
    /// <summary>The single C (not segmented).</summary>
    public Span<float> Single => _c;
    /// <summary>The single bias (not segmented).</summary>
    public ReadOnlySpan<float> Bias => _bias;
    public bool HasBias => IsSegmented ? _biasSegments is not null : !_bias.IsEmpty;

    /// <summary>Packs depth [k0, k0+depth) × columns [col0, col0+columns) of B; segments must start on panel boundaries.</summary>
    public void PackB(int k0, int depth, int col0, int columns, int panelWidth, Span<float> packed)
    {
        if (_bSegments is null)
        {
            GemmPacking.PackB(_b, k0, depth, col0, columns, panelWidth, packed);
            return;
        }
        for (int done = 0; done < columns;)
        {
            int segment = (col0 + done) / SegmentWidth, local = (col0 + done) % SegmentWidth;
            int count = Math.Min(SegmentWidth - local, columns - done);
            GemmPacking.PackB(StridedMatrix.RowMajor(_bSegments[segment], SegmentWidth), k0, depth, local, count, panelWidth, packed[(done * depth)..]);
            done += count;
        }
    }

    /// <summary>Element (row, col) of C, with C's row stride there.</summary>
    public ref float At(int row, int col, out nint ldc)
    {
        if (_cSegments is null)
        {
            ldc = Count;
            return ref _c[row * Count + col];
        }
        ldc = SegmentWidth;
        return ref _cSegments[col / SegmentWidth][row * SegmentWidth + col % SegmentWidth];
    }

    /// <summary>The bias vector holding column <paramref name="col"/>, and that column's index in it.</summary>
    public ReadOnlySpan<float> BiasAt(int col, out int biasColumn)
    {
        if (_bSegments is null)
        {
            biasColumn = col;
            return _bias;
        }
        biasColumn = col % SegmentWidth;
        return _biasSegments is null ? default : _biasSegments[col / SegmentWidth];
    }
}
