using System.CommandLine;
using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetMtl.Cli;

/// <summary>
/// <c>mlnet-mtl predict</c>: a saved model and a data file in, a CSV out with one row per input row (same order)
/// and each task's output columns (<c>task.Score</c>, and <c>task.Probability</c>, <c>task.PredictedLabel</c> for binary tasks;
/// a multiclass task's class probabilities joined by ";" and its predicted class as a 1-based key).
/// </summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var data = new DataOptionSet();
        var model = new Option<FileInfo>("--model", "-m") { Description = "The model file (.zip).", Required = true };
        var output = new Option<FileInfo>("--output", "-o") { Description = "The CSV file of predictions to write.", Required = true };
        var command = new Command("predict", "Score a data file with a saved model and write each task's outputs as CSV.");
        command.Options.Add(model);
        data.AddTo(command, withTasks: false);
        command.Options.Add(output);
        command.SetAction(parse => CliApp.Guard(() =>
        {
            var (_, transformer, scored) = ScoredData.Load(parse, model, data);
            var columns = transformer.Tasks.SelectMany(t => OutputColumnNames.For(t.Name, t.Kind)).Select(name => scored.Schema[name]).ToArray();
            var file = parse.GetValue(output)!;
            long rows = Write(scored, columns, file);
            new CliOutput().Line($"Wrote {rows:N0} rows of predictions ({string.Join(", ", columns.Select(c => c.Name))}) to {file.FullName}.");
            return 0;
        }));
        return command;
    }

    /// <summary>Writes beside the target and moves it into place, so a failure leaves no partial file.</summary>
    private static long Write(IDataView scored, DataViewSchema.Column[] columns, FileInfo file)
    {
        string temporary = file.FullName + ".tmp";
        long rows = 0;
        try
        {
            using (var writer = new StreamWriter(temporary, false, new UTF8Encoding(false)))
            using (var cursor = scored.GetRowCursor(columns))
            {
                writer.WriteLine(string.Join(",", columns.Select(c => c.Name)));
                var getters = columns.Select(column => Cell(cursor, column)).ToArray();
                while (cursor.MoveNext())
                {
                    writer.WriteLine(string.Join(",", getters.Select(get => get())));
                    rows++;
                }
            }
            File.Move(temporary, file.FullName, overwrite: true);
            return rows;
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private static Func<string> Cell(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        if (column.Type == BooleanDataViewType.Instance)
        {
            var getter = cursor.GetGetter<bool>(column);
            return () => { bool value = false; getter(ref value); return value ? "true" : "false"; };
        }
        if (column.Type is KeyDataViewType)
        {
            var key = cursor.GetGetter<uint>(column);
            return () => { uint value = 0; key(ref value); return value.ToString(CultureInfo.InvariantCulture); };
        }
        if (column.Type is VectorDataViewType)
        {
            var vector = cursor.GetGetter<VBuffer<float>>(column);
            var buffer = default(VBuffer<float>);
            return () => { vector(ref buffer); return string.Join(";", buffer.DenseValues().Select(v => v.ToString("R", CultureInfo.InvariantCulture))); };
        }
        var single = cursor.GetGetter<float>(column);
        return () => { float value = 0; single(ref value); return value.ToString("R", CultureInfo.InvariantCulture); };
    }
}
