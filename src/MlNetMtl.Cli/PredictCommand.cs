using System.CommandLine;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.IO;
using MlNetMtl.MLNet;

namespace MlNetMtl.Cli;

/// <summary>
/// <c>mlnet-mtl predict</c>: a saved model and a data file in, a CSV out with one row per input row (same order) and each
/// task's outputs: <c>task.Score</c>, and <c>task.Probability</c>, <c>task.PredictedLabel</c> for binary tasks; for a
/// multiclass task one <c>task.Score.CLASS</c> column of probability per class and <c>task.PredictedLabel</c> the class's name.
/// </summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var data = new DataOptionSet();
        var model = new Option<FileInfo>("--model", "-m") { Description = "The model file (.zip).", Required = true };
        var output = new Option<FileInfo>("--output", "-o") { Description = "The CSV file of predictions to write (never the input or the model; replaced only when complete).", Required = true };
        var engine = new Option<ScoringEngine>("--engine")
        {
            Description = "What scores the rows: MlNet (the model through ML.NET) or Onnx (the model exported to ONNX and run by ONNX Runtime, the same columns out: a check of the export).",
            DefaultValueFactory = _ => ScoringEngine.MlNet,
        };
        var command = new Command("predict", "Score a data file with a saved model and write each task's outputs as CSV.");
        command.Options.Add(model);
        command.Options.Add(engine);
        data.AddTo(command, withTasks: false);
        command.Options.Add(output);
        command.SetAction(parse => CliApp.Guard(parse, run =>
        {
            string modelPath = CliPaths.Input(parse.GetValue(model)!, "--model");
            string path = CliPaths.Output(parse.GetValue(output)!, "--output", data.DatasetPath(parse), modelPath);
            var scored = ScoredData.Load(run, model, data, needLabels: false);
            var columns = scored.Model.Tasks.SelectMany(t => OutputColumnNames.For(t.Name, t.Kind).Select(name => (t, scored.Scored.Schema[name]))).ToArray();
            long rows = 0;
            if (parse.GetValue(engine) == ScoringEngine.Onnx)
                AtomicFile.Write(path, (string temporary) => rows = OnnxPredictions.Write(scored, columns.Select(c => c.Item2.Name).ToArray(), temporary, run.Token));
            else
                AtomicFile.Write(path, (string temporary) => rows = Write(scored.Scored, columns, temporary, run.Token));
            run.Output.Line($"Wrote {rows:N0} rows of predictions ({string.Join(", ", scored.Model.Tasks.Select(t => t.Name))}) to {path}.");
            return 0;
        }));
        return command;
    }

    private static long Write(IDataView scored, (TaskColumn Task, DataViewSchema.Column Column)[] columns, string path, CancellationToken token)
    {
        long rows = 0;
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        using var cursor = scored.GetRowCursor(columns.Select(c => c.Column));
        var cells = columns.Select(c => Cell(cursor, c.Column, c.Task)).ToArray();
        writer.WriteLine(string.Join(",", cells.SelectMany(c => c.Headers).Select(PredictionCells.Quote)));
        while (cursor.MoveNext())
        {
            if ((rows & 1023) == 0)
                token.ThrowIfCancellationRequested();
            writer.WriteLine(string.Join(",", cells.Select(c => c.Read())));
            rows++;
        }
        return rows;
    }

    /// <summary>An output column's CSV headers and a reader of its cells for the current row.</summary>
    private sealed record OutputCells(IReadOnlyList<string> Headers, Func<string> Read);

    private static OutputCells Cell(DataViewRowCursor cursor, DataViewSchema.Column column, TaskColumn task)
    {
        string[] one = [column.Name];
        if (column.Type == BooleanDataViewType.Instance)
        {
            var getter = cursor.GetGetter<bool>(column);
            return new(one, () => { bool value = false; getter(ref value); return PredictionCells.Flag(value); });
        }
        if (column.Type is KeyDataViewType)
        {
            var key = cursor.GetGetter<uint>(column);
            return new(one, () => { uint value = 0; key(ref value); return PredictionCells.PredictedClass(value, task.ClassNames); });
        }
        if (column.Type is VectorDataViewType vector)
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            var buffer = default(VBuffer<float>);
            return new(PredictionCells.ClassHeaders(column.Name, vector.Size, task.ClassNames), () => { getter(ref buffer); return PredictionCells.Numbers(buffer.DenseValues()); });
        }
        var single = cursor.GetGetter<float>(column);
        return new(one, () => { float value = 0; single(ref value); return PredictionCells.Number(value); });
    }
}
