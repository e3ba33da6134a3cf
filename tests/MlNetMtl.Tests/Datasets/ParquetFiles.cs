using System.Globalization;
using MlNetMtl.Datasets.Csv;
using Parquet;
using Parquet.Schema;

namespace MlNetMtl.Tests.Datasets;

/// <summary>Writes Parquet files for tests with Parquet.Net, the library MlNetMtl reads them with: one row group per call to <see cref="Write"/>'s groups.</summary>
internal static class ParquetFiles
{
    /// <summary>A column: its name and its values (a nullable array of one type: int?[], float?[], string?[] …).</summary>
    public sealed record Column(string Name, Array Values);

    /// <summary>Writes <paramref name="groups"/> (each a row group: the same columns, any number of rows) to <paramref name="path"/>.</summary>
    public static string Write(string path, params Column[][] groups)
    {
        var fields = groups[0].Select(c => new DataField(c.Name, c.Values.GetType().GetElementType()!)).ToArray();
        var schema = new ParquetSchema(fields);
        using var stream = File.Create(path);
        var writer = ParquetWriter.CreateAsync(schema, stream).GetAwaiter().GetResult();
        try
        {
            foreach (var group in groups)
            {
                using var rows = writer.CreateRowGroup();
                for (int c = 0; c < group.Length; c++)
                    WriteColumn(rows, fields[c], group[c].Values).GetAwaiter().GetResult();
            }
        }
        finally
        {
            writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return path;
    }

    private static Task WriteColumn(ParquetRowGroupWriter rows, DataField field, Array values) => values switch
    {
        string?[] text => rows.WriteAsync(field, text),
        int?[] a => rows.WriteAsync<int>(field, a),
        long?[] a => rows.WriteAsync<long>(field, a),
        float?[] a => rows.WriteAsync<float>(field, a),
        double?[] a => rows.WriteAsync<double>(field, a),
        bool?[] a => rows.WriteAsync<bool>(field, a),
        DateTime?[] a => rows.WriteAsync<DateTime>(field, a),
        int[] a => rows.WriteAsync<int>(field, a),
        double[] a => rows.WriteAsync<double>(field, a),
        _ => throw new ArgumentException($"Column '{field.Name}': {values.GetType().Name} is not written by this helper."),
    };

    /// <summary>
    /// Writes a delimited file's rows as Parquet, <paramref name="shards"/> files of near-equal rows named part-1.parquet …
    /// in <paramref name="folder"/> (one file, <paramref name="folder"/> itself, when 1 and it ends in .parquet): a column whose
    /// every present cell is a number whose text reads back as itself is a nullable double column (an empty cell null),
    /// others are text — so the Parquet cells say what the CSV cells said.
    /// </summary>
    public static string[] FromCsv(string csv, string folder, int shards)
    {
        using var file = CsvFile.Open(csv);
        var rows = new List<string[]>();
        while (file.Read())
            rows.Add(Enumerable.Range(0, file.Header.Count).Select(file.String).ToArray());
        bool[] numeric = Enumerable.Range(0, file.Header.Count).Select(c => rows.All(r => r[c].Length == 0
            || double.TryParse(r[c], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v.ToString("R", CultureInfo.InvariantCulture) == r[c])).ToArray();
        string[] paths = shards == 1 && folder.EndsWith(".parquet", StringComparison.Ordinal) ? [folder]
            : Enumerable.Range(1, shards).Select(s => Path.Combine(folder, $"part-{s}.parquet")).ToArray();
        for (int s = 0; s < shards; s++)
        {
            var part = rows.Skip(rows.Count * s / shards).Take(rows.Count * (s + 1) / shards - rows.Count * s / shards).ToArray();
            Write(paths[s], file.Header.Select((name, c) => new Column(name, numeric[c]
                ? part.Select(r => r[c].Length == 0 ? (double?)null : double.Parse(r[c], CultureInfo.InvariantCulture)).ToArray()
                : part.Select(r => (string?)r[c]).ToArray())).ToArray());
        }
        return paths;
    }

    /// <summary>Writes <paramref name="path"/>: an id column and a column of lists of tags (what MlNetMtl refuses by name).</summary>
    public static string WriteWithListColumn(string path)
    {
        var schema = new ParquetSchema(new DataField<int>("id"), new DataField("tags", typeof(string), true, true));
        using var stream = File.Create(path);
        var writer = ParquetWriter.CreateAsync(schema, stream).GetAwaiter().GetResult();
        try
        {
            using var group = writer.CreateRowGroup();
            group.WriteAsync<int>(schema.DataFields[0], new[] { 1, 2 }).GetAwaiter().GetResult();
            group.WriteAsync(schema.DataFields[1], new string?[] { "a", "b", "c" }, new int[] { 0, 1, 0 }).GetAwaiter().GetResult();
        }
        finally
        {
            writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return path;
    }
}
