namespace MlNetMtl.Networks.Domains;

/// <summary>
/// Where each row's domain (scenario: an app tab, a country, a surface) is in the input rows: the one-hot slots
/// [<see cref="Start"/>, Start + <see cref="Names"/>.Count) of the domain column. A row whose slots are all zero — a domain
/// not seen in training, which the one-hot featurization encodes as no slot — belongs to no domain and is scored by the
/// shared part of a scenario-aware network alone (its <see cref="Fallback"/>).
/// </summary>
public sealed class DomainLayout
{
    /// <summary>The index of the shared fallback: a row that names no known domain.</summary>
    public const int Fallback = -1;

    /// <summary>A layout of <paramref name="names"/>.Count domains at slots from <paramref name="start"/> of the domain column <paramref name="column"/>.</summary>
    /// <exception cref="ArgumentException">No domain, a negative start, or an empty or repeated name.</exception>
    public DomainLayout(string column, int start, IReadOnlyList<string> names)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(column);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count is 0 or > MaxDomains)
            throw new ArgumentException($"Domain column '{column}' has {names.Count} domains; a scenario-aware network takes 1 to {MaxDomains}.", nameof(names));
        if (names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } repeated)
            throw new ArgumentException($"Domain column '{column}' names domain '{repeated.Key}' twice.", nameof(names));
        Column = column;
        Start = start;
        Names = names.ToArray();
    }

    /// <summary>The most domains a layout takes: each has its own weights, so thousands of them are ids, not domains.</summary>
    public const int MaxDomains = 256;

    /// <summary>The domain column, as the user named it.</summary>
    public string Column { get; }
    /// <summary>The first input slot of the domain column's one-hot slots.</summary>
    public int Start { get; }
    /// <summary>The domains, in slot order.</summary>
    public IReadOnlyList<string> Names { get; }
    /// <summary>The number of domains.</summary>
    public int Count => Names.Count;

    /// <summary>
    /// Each row's domain: the first of its domain slots that holds a non-zero value, or <see cref="Fallback"/> when none does.
    /// Allocation-free.
    /// </summary>
    internal void Read(InputBatch input, Span<int> domains)
    {
        int end = Start + Count;
        if (end > input.Dimension)
            throw new ArgumentException($"Domain slots {Start}–{end - 1} lie outside input rows of width {input.Dimension}.", nameof(input));
        for (int r = 0; r < input.Rows; r++)
            domains[r] = input.IsSparse ? SparseDomain(input, r) : DenseDomain(input.Dense.Slice(r * input.Dimension + Start, Count));
    }

    private static int DenseDomain(ReadOnlySpan<float> slots)
    {
        for (int d = 0; d < slots.Length; d++)
            if (slots[d] != 0)
                return d;
        return Fallback;
    }

    private int SparseDomain(InputBatch input, int row)
    {
        var rows = input.Sparse;
        int end = Start + Count;
        for (int k = rows.RowStarts[row]; k < rows.RowStarts[row + 1]; k++)
            if (rows.Indices[k] >= Start && rows.Indices[k] < end && rows.Values[k] != 0)
                return rows.Indices[k] - Start;
        return Fallback;
    }

    /// <summary>The domain's name, or "(unseen)" for the fallback.</summary>
    public string NameOf(int domain) => domain == Fallback ? "(unseen)" : Names[domain];

    internal void Write(BinaryWriter writer)
    {
        writer.Write(Column);
        writer.Write(Start);
        writer.Write(Count);
        foreach (string name in Names)
            writer.Write(name);
    }

    internal static DomainLayout Read(BinaryReader reader)
    {
        string column = reader.ReadString();
        int start = reader.ReadInt32(), count = reader.ReadInt32();
        if (start < 0 || count is <= 0 or > MaxDomains)
            throw new InvalidDataException($"The stored domain layout of '{column}' is corrupt (start {start}, {count} domains).");
        var names = new string[count];
        for (int d = 0; d < count; d++)
            names[d] = reader.ReadString();
        return new DomainLayout(column, start, names);
    }
}
