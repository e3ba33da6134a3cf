using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Datasets.Csv;
using MlNetMtl.Datasets.Tables;

namespace MlNetMtl.Datasets;

/// <summary>
/// Reading of the recommender logs — comma-separated files with a header row, Parquet files, or folders of shards of
/// either (<see cref="TableFile"/>): each column is an id field (read as text and hashed), a numeric field, a label (0/1,
/// read as a number) or ignored, by a per-format rule.
/// </summary>
internal static class RecommenderCsv
{
    /// <summary>Id: text. Numeric, Label, Ignore: Single. Timestamp: Double (dates and times keep their digits; not a feature).</summary>
    public enum Role { Id, Numeric, Label, Ignore, Timestamp }

    /// <summary>Reads <paramref name="path"/>; <paramref name="role"/> maps each header name to its role.</summary>
    /// <param name="ml">The context.</param>
    /// <param name="path">The file.</param>
    /// <param name="format">The format's name, for messages.</param>
    /// <param name="required">Columns that must be in the header (the labels, at least).</param>
    /// <param name="role">The role of a header column.</param>
    /// <param name="headerless">The format's column names, for files written without a header row (then the first line is data).</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A required column is missing from the header.</exception>
    public static (IDataView Data, string[] Ids, string[] Numeric, long Rows) Load(MLContext ml, string path, string format, IReadOnlyList<string> required, Func<string, Role> role,
        IReadOnlyList<string>? headerless = null)
    {
        if (IsTable(path))
            return LoadTable(path, format, required, role);
        var first = AdultDataset.FirstLine(path).Split(',').Select(h => h.Trim().Trim('"')).ToArray();
        bool hasHeader = !(headerless is not null && first.Length == headerless.Count && first.All(cell => double.TryParse(cell, System.Globalization.CultureInfo.InvariantCulture, out _)));
        var header = hasHeader ? first : headerless!.ToArray();
        var missing = required.Where(r => !header.Contains(r)).ToArray();
        if (missing.Length > 0)
            throw new InvalidDataException($"'{path}' does not look like {format}: its header lacks {string.Join(", ", missing)} (it has {string.Join(", ", header.Take(8))}…).");
        var roles = header.Select(role).ToArray();
        var columns = header.Select((name, i) => new TextLoader.Column(name, roles[i] switch { Role.Id => DataKind.String, Role.Timestamp => DataKind.Double, _ => DataKind.Single }, i)).ToArray();
        var data = ml.Data.CreateTextLoader(new TextLoader.Options { HasHeader = hasHeader, Separators = [','], TrimWhitespace = true, Columns = columns }).Load(path);
        long rows = File.ReadLines(path).Skip(hasHeader ? 1 : 0).LongCount(line => line.Length > 0);
        return (data, header.Where((_, i) => roles[i] == Role.Id).ToArray(), header.Where((_, i) => roles[i] == Role.Numeric).ToArray(), rows);
    }

    /// <summary>The column names of <paramref name="path"/>: a comma-separated file's first line, a Parquet file's or a folder's columns.</summary>
    /// <exception cref="FileNotFoundException">There is no such file or folder.</exception>
    public static IReadOnlyList<string> Header(string path)
    {
        if (!IsTable(path))
            return AdultDataset.FirstLine(path).Split(',').Select(h => h.Trim().Trim('"')).ToArray();
        using var table = TableFile.Open(path);
        return table.Header;
    }

    /// <summary>Whether <paramref name="path"/> is read as a table (a Parquet file, or a folder of shards) rather than by ML.NET's text loader.</summary>
    private static bool IsTable(string path) => Directory.Exists(path) || TableFile.IsParquet(path);

    private static (IDataView Data, string[] Ids, string[] Numeric, long Rows) LoadTable(string path, string format, IReadOnlyList<string> required, Func<string, Role> role)
    {
        IReadOnlyList<string> header;
        long rows = 0;
        using (var table = TableFile.Open(path))
        {
            header = table.Header;
            var missing = required.Where(r => !header.Contains(r)).ToArray();
            if (missing.Length > 0)
                throw new InvalidDataException($"'{path}' does not look like {format}: it lacks column(s) {string.Join(", ", missing)} (it has {string.Join(", ", header.Take(8))}…).");
            while (table.Read())
                rows++;
        }
        var roles = header.Select(role).ToArray();
        var columns = header.Select((name, i) => new CsvColumn(name, i, roles[i] switch { Role.Id => CsvColumnKind.Text, Role.Timestamp => CsvColumnKind.Double, _ => CsvColumnKind.Single })).ToArray();
        var data = new TableDataView(path, columns, rows, $"which a {format} column of this kind holds");
        return (data, header.Where((_, i) => roles[i] == Role.Id).ToArray(), header.Where((_, i) => roles[i] == Role.Numeric).ToArray(), rows);
    }
}
