using MlNetMtl.Data;
using MlNetMtl.Datasets.Tables;
using MlNetMtl.MLNet;

namespace MlNetMtl.Datasets.Csv;

/// <summary>
/// How a label column of a table serves its task, decided from the column's values over the whole table: the
/// checks every kind shares (missing and infinite labels) here, the rest by the task's kind
/// (<see cref="TaskKind.ResolveLabels"/>). A label that does not fit is reported with its line.
/// </summary>
internal static class LabelRules
{
    /// <summary>The task as it will read this column (with its classes, if it has any), and how the column is read.</summary>
    /// <exception cref="ArgumentException">The column's values do not fit the task.</exception>
    public static (TaskColumn Task, CsvColumnKind Kind) Resolve(TaskColumn task, InferredColumn column, string path, List<string> notes)
    {
        var profile = column.Profile;
        if (profile.Values == 0)
            throw new ArgumentException($"Task '{task.Name}': every one of the {profile.Missing:N0} cells of label column '{column.Name}' in '{path}' is missing.");
        if (profile.FirstMissing is { } missing && task.MissingLabels == MissingLabelPolicy.Error)
            throw new ArgumentException($"Label column '{column.Name}' of task '{task.Name}' has {profile.Missing:N0} missing cells (empty, ?, NA, NaN …) among " +
                $"{profile.Values + profile.Missing:N0} rows of '{path}', the first at {TableFile.Within(path, missing.Line)}; fill them, or train the task without those rows " +
                "(MissingLabelPolicy.Mask; --missing-labels mask on the command line).");
        var reading = Reading(task, column, path, notes);
        if (profile.FirstInfinite is { } infinite && !reading.AsText)
            throw new ArgumentException($"Label column '{column.Name}' of task '{task.Name}', {TableFile.Of(path, infinite.Line)}: {TextValues.Quote(infinite.Value)} is infinite; labels must be finite.");
        return (reading.ClassNames is { } names ? task.WithClasses(names.Count, names) : task, reading.AsText ? CsvColumnKind.Text : CsvColumnKind.Single);
    }

    /// <summary>How the label column is read for its (already resolved) task.</summary>
    public static CsvColumnKind Kind(TaskColumn task, InferredColumn column, string path) =>
        Reading(task, column, path, notes: []).AsText ? CsvColumnKind.Text : CsvColumnKind.Single;

    private static LabelReading Reading(TaskColumn task, InferredColumn column, string path, List<string> notes)
    {
        var profile = column.Profile;
        var values = new LabelValues($"of '{path}'", line => TableFile.Of(path, line), profile.Distinct, ColumnInference.MaxLabelValues, profile.FirstText is { } text ? (text.Value, text.Line) : null);
        return task.Kind.ResolveLabels(values, new TextLabelRules(task.Name, column.Name, task.PositiveValue, task.ClassNames), notes);
    }
}
