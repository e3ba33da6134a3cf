using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data;

namespace MlNetMtl.Datasets;

/// <summary>
/// A delimited text file with a header row (comma, or tab for .tsv files and tab-separated headers). Column types
/// are inferred from the first rows: a column whose values all parse as numbers ("?" and empty cells count as
/// missing) is numeric, any other is categorical.
/// </summary>
public static class CsvDataset
{
    private const int RowsToInspect = 1000;

    /// <summary>Reads a file for training: <paramref name="tasks"/> name label columns; every other column not in <paramref name="ignoreColumns"/> is a feature.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ArgumentException">A label or ignored column is not in the header, or a label column holds text other than true/false.</exception>
    public static LoadedDataset Load(MLContext ml, string path, IReadOnlyList<TaskColumn> tasks, IEnumerable<string>? ignoreColumns = null)
    {
        ArgumentNullException.ThrowIfNull(ml);
        var (header, separator, numeric) = Inspect(path);
        var ignored = new HashSet<string>(ignoreColumns ?? [], StringComparer.Ordinal);
        foreach (string name in ignored.Concat(tasks.Select(t => t.LabelColumnName)))
            if (!header.Contains(name))
                throw new ArgumentException($"Column '{name}' is not in the header of '{path}' ({string.Join(", ", header)}).", nameof(tasks));
        var labels = tasks.Select(t => t.LabelColumnName).ToHashSet(StringComparer.Ordinal);
        var columns = header.Select((name, i) => new TextLoader.Column(name,
            labels.Contains(name) ? LabelKind(tasks.First(t => t.LabelColumnName == name), numeric[i], path) : numeric[i] ? DataKind.Single : DataKind.String, i)).ToArray();
        var data = Loader(ml, separator, columns).Load(path);
        var features = header.Where(name => !labels.Contains(name) && !ignored.Contains(name)).ToArray();
        if (features.Length == 0)
            throw new ArgumentException($"'{path}' has no feature columns left after the labels and ignored columns.", nameof(ignoreColumns));
        var featurizer = Featurization.Tabular(ml,
            features.Where(name => !numeric[Array.IndexOf(header, name)]).ToArray(),
            features.Where(name => numeric[Array.IndexOf(header, name)]).ToArray());
        return new LoadedDataset(data, tasks, featurizer, weightColumnName: null);
    }

    /// <summary>
    /// Reads a file for a trained model: every column of <paramref name="inputSchema"/> found in the header is read
    /// with the type the model was trained with (label columns may be absent when only predicting).
    /// </summary>
    public static IDataView LoadForSchema(MLContext ml, string path, DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(ml);
        var (header, separator, _) = Inspect(path);
        var columns = new List<TextLoader.Column>();
        foreach (var column in inputSchema.Where(c => !c.IsHidden))
        {
            int index = Array.IndexOf(header, column.Name);
            if (index < 0)
                continue;
            var kind = column.Type == NumberDataViewType.Single ? DataKind.Single
                : column.Type == BooleanDataViewType.Instance ? DataKind.Boolean
                : column.Type == NumberDataViewType.Double ? DataKind.Double
                : column.Type is TextDataViewType ? DataKind.String
                : throw new NotSupportedException($"Model input column '{column.Name}' has type {column.Type}, which a text file cannot supply.");
            columns.Add(new TextLoader.Column(column.Name, kind, index));
        }
        return Loader(ml, separator, columns.ToArray()).Load(path);
    }

    private static TextLoader Loader(MLContext ml, char separator, TextLoader.Column[] columns) =>
        ml.Data.CreateTextLoader(new TextLoader.Options { HasHeader = true, Separators = [separator], TrimWhitespace = true, AllowQuoting = true, Columns = columns });

    private static DataKind LabelKind(TaskColumn task, bool numeric, string path)
    {
        if (numeric)
            return DataKind.Single;
        if (task.Kind == TaskKind.Binary)
            return DataKind.Boolean;
        throw new ArgumentException($"Label column '{task.LabelColumnName}' of regression task '{task.Name}' in '{path}' holds text; it must be numeric.", nameof(task));
    }

    /// <summary>The header, the separator, and whether each column is numeric in the first rows.</summary>
    private static (string[] Header, char Separator, bool[] Numeric) Inspect(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"No data file at '{path}'.", path);
        using var reader = new StreamReader(path);
        string headerLine = reader.ReadLine() ?? throw new InvalidDataException($"'{path}' is empty.");
        char separator = path.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) || headerLine.Contains('\t') ? '\t' : ',';
        var header = headerLine.Split(separator).Select(h => h.Trim().Trim('"')).ToArray();
        var duplicate = header.GroupBy(h => h).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new InvalidDataException($"Column '{duplicate.Key}' appears twice in the header of '{path}'.");
        var numeric = Enumerable.Repeat(true, header.Length).ToArray();
        for (int row = 0; row < RowsToInspect && reader.ReadLine() is { } line; row++)
        {
            var cells = line.Split(separator);
            for (int c = 0; c < header.Length && c < cells.Length; c++)
            {
                string cell = cells[c].Trim().Trim('"');
                if (cell.Length > 0 && cell != "?" && !float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                    numeric[c] = false;
            }
        }
        return (header, separator, numeric);
    }
}
