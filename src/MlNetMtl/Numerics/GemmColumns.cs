namespace MlNetMtl.Numerics;

/// <summary>
/// The columns of a product's B and C: one matrix each (C row-major with n columns), or segments of separate
/// row-major matrices side by side — B = [B₀ | B₁ | …], C = [C₀ | C₁ | …], with each segment's own bias and
/// activation — so that several products sharing A (the first layers of a mixture's experts and gates) run as one, with
/// A packed once. Segment boundaries must fall on register-panel boundaries.
/// </summary>
internal readonly ref struct GemmColumns
{
    private readonly StridedMatrix _b;
    private readonly Span<float> _c;
    private readonly ReadOnlySpan<float> _bias;
    private readonly IReadOnlyList<float[]>? _bSegments, _cSegments, _biasSegments;
    private readonly int[] _starts = [];
    private readonly Activation[]? _activations;

    /// <summary>One B and one C of <paramref name="n"/> columns.</summary>
    public GemmColumns(StridedMatrix b, Span<float> c, int n, ReadOnlySpan<float> bias)
    {
        _b = b;
        _c = c;
        _bias = bias;
        Count = n;
    }

    /// <summary>
    /// Segments s = 0, 1, … of columns [starts[s], starts[s+1]): B_s [k × width] and C_s [m × width], row-major; biases
    /// and activations optional (the product's activation where none is given).
    /// </summary>
    public GemmColumns(IReadOnlyList<float[]> b, IReadOnlyList<float[]> c, int[] starts, IReadOnlyList<float[]>? bias, Activation[]? activations)
    {
        _bSegments = b;
        _cSegments = c;
        _biasSegments = bias;
        _starts = starts;
        _activations = activations;
        Count = starts[^1];
    }

    /// <summary>Columns in all (n).</summary>
    public int Count { get; }
    public bool IsSegmented => _bSegments is not null;
    /// <summary>The single B (not segmented).</summary>
    public StridedMatrix B => _b;
    /// <summary>The single C (not segmented).</summary>
    public Span<float> Single => _c;
    /// <summary>The single bias (not segmented).</summary>
    public ReadOnlySpan<float> Bias => _bias;

    /// <summary>Packs depth [k0, k0+depth) × columns [col0, col0+columns) of B.</summary>
    public void PackB(int k0, int depth, int col0, int columns, int panelWidth, Span<float> packed)
    {
        if (_bSegments is null)
        {
            GemmPacking.PackB(_b, k0, depth, col0, columns, panelWidth, packed);
            return;
        }
        for (int done = 0; done < columns;)
        {
            int segment = Segment(col0 + done, out int local), width = _starts[segment + 1] - _starts[segment];
            int count = Math.Min(width - local, columns - done);
            GemmPacking.PackB(StridedMatrix.RowMajor(_bSegments[segment], width), k0, depth, local, count, panelWidth, packed[(done * depth)..]);
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
        int segment = Segment(col, out int local), width = _starts[segment + 1] - _starts[segment];
        ldc = width;
        return ref _cSegments[segment][row * width + local];
    }

    /// <summary>The bias vector holding column <paramref name="col"/>, and that column's index in it.</summary>
    public ReadOnlySpan<float> BiasAt(int col, out int biasColumn)
    {
        if (_bSegments is null)
        {
            biasColumn = col;
            return _bias;
        }
        int segment = Segment(col, out biasColumn);
        return _biasSegments is null ? default : _biasSegments[segment];
    }

    /// <summary>The activation of column <paramref name="col"/>'s segment, or <paramref name="product"/>'s.</summary>
    public Activation ActivationAt(int col, Activation product) => _activations is null ? product : _activations[Segment(col, out _)];

    private int Segment(int col, out int local)
    {
        int segment = 0;
        while (col >= _starts[segment + 1])
            segment++;
        local = col - _starts[segment];
        return segment;
    }
}
