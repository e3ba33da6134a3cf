using Microsoft.ML;

namespace MlNetMtl.MLNet.Evaluation;

/// <summary>One domain's rows of a view: its value, how many rows, and which rows (by position).</summary>
internal sealed record DomainRowSet(string Domain, long Rows, bool[] Keep)
{
    /// <summary>The view's rows of this domain.</summary>
    public IDataView Of(IDataView data) => new RowSubsetView(data, Keep);
}

/// <summary>Splits a view's rows by the value of a domain column (an app tab, a country), for evaluating each domain on its own.</summary>
internal static class DomainRows
{
    /// <summary>Each domain's rows, largest first (then by value).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The domain column is missing or of a type that cannot name a domain.</exception>
    /// <exception cref="InvalidDataException">A row's domain is empty (the row is named).</exception>
    public static IReadOnlyList<DomainRowSet> Split(IDataView data, string domainColumnName)
    {
        ArgumentNullException.ThrowIfNull(data);
        var column = data.Schema.GetColumnOrNull(domainColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(domainColumnName), $"Domain column '{domainColumnName}' is not in the scored data (its columns: {string.Join(", ", data.Schema.Where(c => !c.IsHidden).Select(c => c.Name))}).");
        var domainOfRow = new List<string>();
        using (var cursor = data.GetRowCursor([column]))
        {
            var key = GroupAucEvaluator.GroupKey(cursor, column);
            while (cursor.MoveNext())
            {
                string domain = Convert.ToString(key(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
                if (domain.Length == 0 || domain == "NaN")
                    throw new InvalidDataException($"Domain column '{domainColumnName}', row {domainOfRow.Count + 1}: the domain is empty; give every row a domain.");
                domainOfRow.Add(domain);
            }
        }
        var index = domainOfRow.Distinct(StringComparer.Ordinal).Select((name, i) => (name, i)).ToDictionary(d => d.name, d => d.i, StringComparer.Ordinal);
        var rowDomain = domainOfRow.Select(d => index[d]).ToArray();
        var rows = new long[index.Count];
        foreach (int d in rowDomain)
            rows[d]++;
        return index.OrderByDescending(d => rows[d.Value]).ThenBy(d => d.Key, StringComparer.Ordinal)
            .Select(d => new DomainRowSet(d.Key, rows[d.Value], Array.ConvertAll(rowDomain, r => r == d.Value))).ToArray();
    }
}
