namespace MlNetMtl.Networks.Domains;

/// <summary>
/// A batch's rows reordered so each domain's rows are contiguous — segment 0 the rows of no known domain, segment d + 1
/// domain d's — keeping row order within a segment (a stable counting sort), so layers with per-domain weights run one
/// matrix product per domain. Buffers are sized once, for a capacity of rows; grouping allocates nothing.
/// </summary>
internal sealed class DomainGrouping(int capacity, int domains)
{
    private readonly int[] _order = new int[capacity];
    private readonly int[] _starts = new int[domains + 2];

    /// <summary>The number of segments: the fallback, then one per domain.</summary>
    public int Segments => _starts.Length - 1;

    /// <summary>Where segment <paramref name="segment"/>'s rows start in the grouped order.</summary>
    public int Start(int segment) => _starts[segment];

    /// <summary>The number of rows in segment <paramref name="segment"/>.</summary>
    public int Count(int segment) => _starts[segment + 1] - _starts[segment];

    /// <summary>The original row at grouped position <paramref name="position"/>.</summary>
    public int OriginalRow(int position) => _order[position];

    /// <summary>Groups <paramref name="rowDomains"/> (one per row; <see cref="DomainLayout.Fallback"/> for none).</summary>
    public void Group(ReadOnlySpan<int> rowDomains)
    {
        Array.Clear(_starts);
        foreach (int domain in rowDomains)
            _starts[domain + 2]++; // segment s = domain + 1 counted at s + 1
        for (int s = 1; s < _starts.Length; s++)
            _starts[s] += _starts[s - 1]; // now _starts[s] is segment s's start
        // Placing a row advances its segment's start to the next free position; at the end each holds the next segment's start.
        for (int r = 0; r < rowDomains.Length; r++)
            _order[_starts[rowDomains[r] + 1]++] = r;
        for (int s = _starts.Length - 1; s > 0; s--)
            _starts[s] = _starts[s - 1];
        _starts[0] = 0;
    }

    /// <summary>Copies rows of <paramref name="source"/> (original order, <paramref name="width"/> each) into grouped order.</summary>
    public void Gather(ReadOnlySpan<float> source, Span<float> destination, int width, int rows)
    {
        for (int i = 0; i < rows; i++)
            source.Slice(_order[i] * width, width).CopyTo(destination.Slice(i * width, width));
    }

    /// <summary>Copies rows of <paramref name="source"/> (grouped order) back into original order.</summary>
    public void Scatter(ReadOnlySpan<float> source, Span<float> destination, int width, int rows)
    {
        for (int i = 0; i < rows; i++)
            source.Slice(i * width, width).CopyTo(destination.Slice(_order[i] * width, width));
    }
}
