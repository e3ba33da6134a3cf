using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data;

namespace MlNetMtl.Datasets;

/// <summary>
/// A delimited text file with a header row (comma, tab or semicolon; quoted fields allowed). Each column's role —
/// numeric, boolean, categorical, id, free text — is inferred from the first rows (<see cref="ColumnInference"/>)
/// and decides its featurization; labels and ignored columns are given, and any role can be overridden.
/// </summary>
public static class CsvDataset
{
    /// <summary>Reads a file for training: <paramref name="tasks"/> name label columns; every other column not in <paramref name="ignoreColumns"/> is a feature.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is empty or has no data rows.</exception>
    /// <exception cref="ArgumentException">A label, ignored or overridden column is not in the header, a regression label holds text, or no feature column is left.</exception>
    public static LoadedDataset Load(MLContext ml, string path, IReadOnlyList<TaskColumn> tasks, IEnumerable<string>? ignoreColumns = null,
        IReadOnlyDictionary<string, ColumnRole>? roles = null) =>
        Load(ml, ColumnInference.Infer(path, tasks.Select(t => t.LabelColumnName), ignoreColumns, roles), tasks);

    /// <summary>Reads a file whose columns' roles are already inferred (and perhaps shown to the user).</summary>
    /// <exception cref="ArgumentException">A task's label column is not a label of <paramref name="schema"/>, a regression label holds text, or no feature column is left.</exception>
    public static LoadedDataset Load(MLContext ml, InferredSchema schema, IReadOnlyList<TaskColumn> tasks)
    {
        ArgumentNullException.ThrowIfNull(ml);
        var byName = schema.Columns.ToDictionary(c => c.Name);
        foreach (var task in tasks)
            if (!byName.TryGetValue(task.LabelColumnName, out var column) || column.Role != ColumnRole.Label)
                throw new ArgumentException($"Task '{task.Name}': column '{task.LabelColumnName}' is not a label column of '{schema.Path}'.", nameof(tasks));
        // Ignored columns are read too (as numbers or text), so that they can still serve, e.g. as the group column of GAUC.
        var columns = schema.Columns
            .Select(c => new TextLoader.Column(c.Name, Kind(c, tasks.FirstOrDefault(t => t.LabelColumnName == c.Name), schema.Path), c.Index)).ToArray();
        var data = Loader(ml, schema.Separator, columns).Load(schema.Path);
        // A multiclass label (text or numbers) becomes a key column "<label>.Class" whose values are the classes, in order of appearance.
        var multiclass = tasks.Where(t => t.Kind == TaskKind.Multiclass).ToArray();
        if (multiclass.Length > 0)
        {
            var toKeys = ml.Transforms.Conversion.MapValueToKey(multiclass.Select(t => new InputOutputColumnPair(t.LabelColumnName + ".Class", t.LabelColumnName)).ToArray());
            data = toKeys.Fit(data).Transform(data);
            tasks = tasks.Select(t => t.Kind == TaskKind.Multiclass
                ? new TaskColumn(t.Name, t.LabelColumnName + ".Class", t.Kind, t.LossWeight, t.MissingLabels, t.MissingLabelValue, t.WeightColumnName)
                : t).ToArray();
        }
        long rows = File.ReadLines(schema.Path).Skip(1).LongCount(line => line.Length > 0);
        var features = schema.Features(rows);
        if (!features.Columns.Any())
            throw new ArgumentException($"'{schema.Path}' has no feature columns left after the labels and ignored columns.", nameof(schema));
        return new LoadedDataset(ml, data, tasks, features, weightColumnName: null);
    }

    private static DataKind Kind(InferredColumn column, TaskColumn? task, string path) => column.Role switch
    {
        ColumnRole.Label when task?.Kind == TaskKind.Multiclass => DataKind.String,
        ColumnRole.Label when column.NumericValues => DataKind.Single,
        ColumnRole.Label when task?.Kind == TaskKind.Binary => DataKind.Boolean,
        ColumnRole.Label => throw new ArgumentException($"Label column '{column.Name}' of {task?.Kind.ToString().ToLowerInvariant()} task '{task?.Name}' in '{path}' holds text; it must be numeric.", nameof(task)),
        ColumnRole.Numeric => column.NumericValues ? DataKind.Single
            : throw new ArgumentException($"Column '{column.Name}' is set numeric, but '{path}' holds text in it.", nameof(column)),
        ColumnRole.Boolean => column.NumericValues ? DataKind.Single : DataKind.Boolean,
        ColumnRole.Ignore => column.NumericValues ? DataKind.Single : DataKind.String,
        _ => DataKind.String,
    };

    /// <summary>
    /// Reads a file for a trained model: every column of <paramref name="inputSchema"/> found in the header is read
    /// with the type the model was trained with (label columns may be absent when only predicting).
    /// </summary>
    public static IDataView LoadForSchema(MLContext ml, string path, DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(ml);
        var file = ColumnInference.Infer(path, []);
        var columns = new List<TextLoader.Column>();
        foreach (var column in inputSchema.Where(c => !c.IsHidden))
        {
            var match = file.Columns.FirstOrDefault(c => c.Name == column.Name);
            if (match is null)
                continue;
            int index = match.Index;
            var kind = column.Type == NumberDataViewType.Single ? DataKind.Single
                : column.Type == BooleanDataViewType.Instance ? DataKind.Boolean
                : column.Type == NumberDataViewType.Double ? DataKind.Double
                : column.Type is TextDataViewType ? DataKind.String
                : throw new NotSupportedException($"Model input column '{column.Name}' has type {column.Type}, which a text file cannot supply.");
            columns.Add(new TextLoader.Column(column.Name, kind, index));
        }
        return Loader(ml, file.Separator, columns.ToArray()).Load(path);
    }

    private static TextLoader Loader(MLContext ml, char separator, TextLoader.Column[] columns) =>
        ml.Data.CreateTextLoader(new TextLoader.Options { HasHeader = true, Separators = [separator], TrimWhitespace = true, AllowQuoting = true, Columns = columns });
}
