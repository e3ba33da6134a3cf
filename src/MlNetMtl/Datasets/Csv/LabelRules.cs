using MlNetMtl.Data;
using MlNetMtl.MLNet;

namespace MlNetMtl.Datasets.Csv;

/// <summary>
/// How a label column of a delimited file serves its task, decided from the column's values over the whole file:
/// binary labels are 0/1, boolean words or two values of which the user names the positive; regression labels are
/// numbers; multiclass labels are class names (text or numbers). A label that does not fit is reported with its line.
/// </summary>
internal static class LabelRules
{
    /// <summary>Values listed in a message.</summary>
    private const int Listed = 6;

    /// <summary>The task as it will read this column: with its class names (multiclass) set.</summary>
    /// <exception cref="ArgumentException">The column's values do not fit the task.</exception>
    public static TaskColumn Resolve(TaskColumn task, InferredColumn column, string path, List<string> notes)
    {
        var profile = column.Profile;
        if (profile.Values == 0)
            throw new ArgumentException($"Task '{task.Name}': every one of the {profile.Missing:N0} cells of label column '{column.Name}' in '{path}' is missing.");
        if (profile.FirstMissing is { } missing && task.MissingLabels == MissingLabelPolicy.Error)
            throw new ArgumentException($"Label column '{column.Name}' of task '{task.Name}' has {profile.Missing:N0} missing cells (empty, ?, NA, NaN …) among " +
                $"{profile.Values + profile.Missing:N0} rows of '{path}', the first at line {missing.Line}; fill them, or train the task without those rows " +
                "(MissingLabelPolicy.Mask; --missing-labels mask on the command line).");
        if (profile.FirstInfinite is { } infinite && task.Kind != TaskKind.Multiclass)
            throw new ArgumentException($"Label column '{column.Name}' of task '{task.Name}', line {infinite.Line} of '{path}': {CsvFile.Quote(infinite.Value)} is infinite; labels must be finite.");
        switch (task.Kind)
        {
            case TaskKind.Regression:
                if (profile.FirstText is { } text)
                    throw new ArgumentException($"Label column '{column.Name}' of regression task '{task.Name}', line {text.Line} of '{path}': {CsvFile.Quote(text.Value)} is not a number; " +
                        "a regression label must be numeric.");
                return task;
            case TaskKind.Multiclass:
                var classes = profile.Distinct ?? throw new ArgumentException(
                    $"Multiclass task '{task.Name}': label column '{column.Name}' holds more than {ColumnInference.MaxLabelValues:N0} distinct values; a multiclass task has fewer classes.");
                if (classes.Count < 2)
                    throw new ArgumentException($"Multiclass task '{task.Name}': label column '{column.Name}' holds one class only ({CsvFile.Quote(classes.Keys.First())}); a multiclass task needs at least two.");
                var names = task.ClassNames ?? TaskClasses.Order(classes.Keys);
                var unknown = classes.Where(c => !names.Contains(c.Key)).OrderBy(c => c.Value).FirstOrDefault();
                if (unknown.Key is not null)
                    throw new ArgumentException($"Label column '{column.Name}' of multiclass task '{task.Name}', line {unknown.Value} of '{path}': {CsvFile.Quote(unknown.Key)} is not one of its classes ({TaskClasses.List(names)}).");
                return task.WithClasses(names.Count, names);
            default:
                return ResolveBinary(task, column, path, notes);
        }
    }

    private static TaskColumn ResolveBinary(TaskColumn task, InferredColumn column, string path, List<string> notes)
    {
        var values = column.Profile.Distinct;
        if (column.NumericValues && task.PositiveValue is null)
        {
            if (values is null)
                throw new ArgumentException($"Label column '{column.Name}' of binary task '{task.Name}' in '{path}' holds more than {ColumnInference.MaxLabelValues:N0} distinct numbers; a binary label is 0 or 1.");
            var other = values.Where(v => !TextValues.TryParseNumber(v.Key, out double d) || d is not (0 or 1)).OrderBy(v => v.Value).FirstOrDefault();
            if (other.Key is not null)
                throw new ArgumentException($"Label column '{column.Name}' of binary task '{task.Name}', line {other.Value} of '{path}': {other.Key} is not 0 or 1.");
            RequireTwo(task, column, values.Keys.ToArray());
            return task;
        }
        if (values is null)
            throw new ArgumentException($"Label column '{column.Name}' of binary task '{task.Name}' in '{path}' holds more than {ColumnInference.MaxLabelValues:N0} distinct values; a binary label has two.");
        var distinct = values.OrderBy(v => v.Value).Select(v => v.Key).ToArray();
        if (task.PositiveValue is { } positive)
        {
            if (!values.ContainsKey(positive))
                throw new ArgumentException($"Binary task '{task.Name}': the positive value '{positive}' is not in label column '{column.Name}' of '{path}' (its values: {List(distinct)}).");
            RequireTwo(task, column, distinct);
            notes.Add($"Task '{task.Name}': label '{positive}' is positive; {List(distinct.Where(v => v != positive).ToArray())} negative.");
            return task;
        }
        if (distinct.All(v => TextValues.TryParseBoolean(v, out _)))
        {
            RequireTwo(task, column, distinct);
            return task;
        }
        string example = distinct.Length == 2 ? distinct.Order(StringComparer.Ordinal).Last() : distinct[0];
        throw new ArgumentException($"Binary task '{task.Name}': label column '{column.Name}' holds {(distinct.Length == 2 ? "two values" : $"{distinct.Length} values")}, " +
            $"{List(distinct)}, which are not boolean words ({TextValues.BooleanWords}). Name the positive value: " +
            $"--task {task.Name}:{column.Name}:binary:positive={example} (in code, TaskColumn(…, positiveValue: \"{example}\")); every other value is then negative.");
    }

    /// <summary>A binary label needs both classes.</summary>
    private static void RequireTwo(TaskColumn task, InferredColumn column, IReadOnlyList<string> values)
    {
        if (values.Count < 2)
            throw new ArgumentException($"Binary task '{task.Name}': label column '{column.Name}' holds one value only ({CsvFile.Quote(values[0])}); a binary task needs both classes.");
    }

    /// <summary>How the label column is read for its task.</summary>
    public static CsvColumnKind Kind(TaskColumn task, InferredColumn column) => task.Kind switch
    {
        TaskKind.Multiclass => CsvColumnKind.Text,
        TaskKind.Binary when task.PositiveValue is not null || !column.NumericValues => CsvColumnKind.Text,
        _ => CsvColumnKind.Single,
    };

    private static string List(IReadOnlyList<string> values) =>
        string.Join(", ", values.Take(Listed).Select(v => CsvFile.Quote(v))) + (values.Count > Listed ? $", … ({values.Count:N0} in all)" : "");
}
