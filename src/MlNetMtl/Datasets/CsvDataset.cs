using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data;
using MlNetMtl.Datasets.Csv;
using MlNetMtl.Datasets.Tables;
using MlNetMtl.MLNet;

namespace MlNetMtl.Datasets;

/// <summary>
/// A delimited text file with a header row (comma, semicolon, tab or bar; RFC 4180 quoting, line breaks inside quotes
/// included), a Parquet file (<c>.parquet</c>: flat columns of numbers, booleans, text, dates and times), or a folder of
/// shards of either kind read as one table (its <c>.parquet</c> files, else its <c>.csv</c>, <c>.tsv</c> and <c>.txt</c>
/// files, in name order, every one with the same columns). Each column's role — numeric, boolean, categorical, id, free text — is inferred from every row
/// (<see cref="ColumnInference"/>) and decides its featurization; labels and ignored columns are given, and any role
/// can be overridden. Inference and reading agree cell for cell: a value that does not fit its column is an error
/// naming the file, line, column and value, never a silent missing value.
/// </summary>
public static class CsvDataset
{
    /// <summary>Reads a file for training: <paramref name="tasks"/> name label columns; every other column not in <paramref name="ignoreColumns"/> is a feature.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is empty, has no data rows, or a record of another width than the header.</exception>
    /// <exception cref="ArgumentException">
    /// A label, ignored or overridden column is not in the header; a label does not fit its task (a regression label that is
    /// not a number, a binary label that is not 0/1, boolean words or a named positive value, a multiclass label with one class);
    /// an overridden role does not fit the column's values; or no feature column is left.
    /// </exception>
    public static LoadedDataset Load(MLContext ml, string path, IReadOnlyList<TaskColumn> tasks, IEnumerable<string>? ignoreColumns = null,
        IReadOnlyDictionary<string, ColumnRole>? roles = null) =>
        Load(ml, ColumnInference.Infer(path, tasks.Select(t => t.LabelColumnName), ignoreColumns, roles), tasks);

    /// <summary>Reads a file whose columns' roles are already inferred (and perhaps shown to the user).</summary>
    /// <param name="ml">The context.</param>
    /// <param name="schema">The file's inferred columns.</param>
    /// <param name="tasks">The tasks, whose label columns have the role Label.</param>
    /// <param name="features">
    /// The featurization, when not the one the roles imply (<see cref="InferredSchema.Features"/>) — e.g. that one with
    /// other <see cref="FeatureSpec.TextFeatures"/> or <see cref="FeatureSpec.HashBits"/>.
    /// </param>
    /// <exception cref="ArgumentException">A task's label column is not a label of <paramref name="schema"/>, a label does not fit its task, an overridden role does not fit its column, or no feature column is left.</exception>
    public static LoadedDataset Load(MLContext ml, InferredSchema schema, IReadOnlyList<TaskColumn> tasks, FeatureSpec? features = null)
    {
        ArgumentNullException.ThrowIfNull(ml);
        var byName = schema.Columns.ToDictionary(c => c.Name);
        var notes = new List<string>();
        var resolved = tasks.Select(task =>
        {
            if (!byName.TryGetValue(task.LabelColumnName, out var column) || column.Role != ColumnRole.Label)
                throw new ArgumentException($"Task '{task.Name}': column '{task.LabelColumnName}' is not a label column of '{schema.Path}'.", nameof(tasks));
            return LabelRules.Resolve(task, column, schema.Path, notes).Task;
        }).ToArray();
        foreach (var column in schema.Columns.Where(c => c.Role is not (ColumnRole.Label or ColumnRole.Ignore)))
            CheckRole(column, schema, notes);
        features ??= schema.Features(schema.Rows);
        if (!features.Columns.Any())
            throw new ArgumentException($"'{schema.Path}' has no feature columns left after the labels and ignored columns.", nameof(schema));
        var data = new TableDataView(schema.Path, schema.Columns.Select(c => new CsvColumn(c.Name, c.Index, Kind(c, resolved, schema.Path))).ToArray(), schema.Rows,
            "which the rest of the column holds");
        return new LoadedDataset(ml, data, resolved, features, weightColumnName: null, notes);
    }

    /// <summary>
    /// Reads another file — a test or validation split — the way <paramref name="schema"/> read its own: the same columns, by
    /// name, with the same types (a value that does not fit is an error naming its line).
    /// </summary>
    /// <param name="ml">The context.</param>
    /// <param name="path">The other file.</param>
    /// <param name="schema">The training file's inferred columns.</param>
    /// <param name="tasks">The tasks as the training file's <see cref="LoadedDataset.Tasks"/> resolved them.</param>
    /// <exception cref="InvalidDataException">The file lacks one of the columns.</exception>
    public static IDataView LoadLike(MLContext ml, string path, InferredSchema schema, IReadOnlyList<TaskColumn> tasks)
    {
        ArgumentNullException.ThrowIfNull(ml);
        using var file = TableFile.Open(path);
        var missing = schema.Columns.Select(c => c.Name).Where(n => !file.Header.Contains(n)).ToArray();
        if (missing.Length > 0)
            throw new InvalidDataException($"'{path}' lacks column(s) {string.Join(", ", missing)} of the training file '{Path.GetFileName(schema.Path)}'.");
        var columns = schema.Columns.Select(c => new CsvColumn(c.Name, file.IndexOf(c.Name), Kind(c, tasks, schema.Path))).ToArray();
        return new TableDataView(path, columns, rows: null, $"which the column holds in the training file '{Path.GetFileName(schema.Path)}'");
    }

    /// <summary>
    /// Reads a file for a trained model: every column of <paramref name="inputSchema"/> found in the header is read
    /// with the type the model was trained with (label and other unused columns may be absent).
    /// </summary>
    /// <exception cref="ArgumentException">A model input column has a type a table's cells cannot supply.</exception>
    public static IDataView LoadForSchema(MLContext ml, string path, DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(ml);
        using var file = TableFile.Open(path);
        var columns = new List<CsvColumn>();
        foreach (var column in inputSchema.Where(c => !c.IsHidden))
        {
            int index = file.IndexOf(column.Name);
            if (index < 0)
                continue;
            var kind = column.Type == NumberDataViewType.Single ? CsvColumnKind.Single
                : column.Type == BooleanDataViewType.Instance ? CsvColumnKind.Flag
                : column.Type == NumberDataViewType.Double ? CsvColumnKind.Double
                : column.Type is TextDataViewType ? CsvColumnKind.Text
                : throw new ArgumentException($"Model input column '{column.Name}' has type {column.Type}, which a data file cannot supply.", nameof(inputSchema));
            columns.Add(new CsvColumn(column.Name, index, kind));
        }
        return new TableDataView(path, columns, rows: null, "which the model reads in this column");
    }

    /// <summary>How a column is read, from its role and, for a label, its task.</summary>
    private static CsvColumnKind Kind(InferredColumn column, IReadOnlyList<TaskColumn> tasks, string path) => column.Role switch
    {
        ColumnRole.Label => LabelRules.Kind(tasks.First(t => t.LabelColumnName == column.Name), column, path),
        ColumnRole.Numeric => CsvColumnKind.Single,
        ColumnRole.Boolean => CsvColumnKind.Flag,
        ColumnRole.Ignore => column.NumericValues ? CsvColumnKind.Double : CsvColumnKind.Text,
        _ => CsvColumnKind.Text,
    };

    /// <summary>Checks that a feature column's values fit its role (an overridden role may not), and notes infinite numbers.</summary>
    private static void CheckRole(InferredColumn column, InferredSchema schema, List<string> notes)
    {
        var profile = column.Profile;
        switch (column.Role)
        {
            case ColumnRole.Numeric when profile.FirstText is { } text:
                throw new ArgumentException($"Column '{column.Name}' is set numeric, but {schema.Where(text.Line)} holds {TextValues.Quote(text.Value)}, which is not a number.");
            case ColumnRole.Boolean when FirstNonBoolean(profile) is { } value:
                throw new ArgumentException($"Column '{column.Name}' is set boolean, but {schema.Where(value.Line)} holds {TextValues.Quote(value.Value)}, " +
                    $"which is not a boolean value ({TextValues.BooleanWords}).");
            case ColumnRole.Numeric when profile.Infinite > 0:
                notes.Add($"Column '{column.Name}': {profile.Infinite:N0} infinite value(s) (the first, {TextValues.Quote(profile.FirstInfinite!.Value.Value)}, at " +
                    $"{TableFile.Within(schema.Path, profile.FirstInfinite.Value.Line)}) are read as missing and replaced by the column's mean.");
                break;
        }
    }

    private static CellAt? FirstNonBoolean(ColumnProfile profile)
    {
        if (profile.Distinct is null)
            return profile.FirstText ?? new CellAt("(more than 100 distinct values)", 0);
        foreach (var (value, line) in profile.Distinct.OrderBy(d => d.Value))
            if (!TextValues.TryParseBoolean(value, out _))
                return new CellAt(value, line);
        return null;
    }
}
