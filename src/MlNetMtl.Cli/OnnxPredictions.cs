using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.MLNet;
using MlNetMtl.Onnx;

namespace MlNetMtl.Cli;

/// <summary>
/// <c>predict --engine onnx</c>: the model exported to a temporary ONNX file (deleted afterwards), the input rows scored by
/// ONNX Runtime, and the same CSV written as with ML.NET — same headers, same cell formats.
/// </summary>
internal static class OnnxPredictions
{
    public static long Write(ScoredData scored, IReadOnlyList<string> columns, string path, CancellationToken token)
    {
        string onnx = Path.Combine(Path.GetTempPath(), $"mlnet-mtl-{Guid.NewGuid():N}.onnx");
        try
        {
            scored.Context.MultiTask().ExportOnnx(scored.Loaded, scored.InputSchema, onnx);
            using var scorer = new OnnxPipelineScorer(onnx);
            using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
            var cells = columns.Select(name => Cells(name, scored.Scored.Schema[name], scored.Model)).ToArray();
            writer.WriteLine(string.Join(",", cells.SelectMany(c => c.Headers).Select(PredictionCells.Quote)));
            long rows = 0;
            foreach (var batch in scorer.Score(scored.Input))
            {
                token.ThrowIfCancellationRequested();
                for (int r = 0; r < batch.Rows; r++)
                    writer.WriteLine(string.Join(",", cells.Select(c => c.Read(batch.Columns[c.Name], r))));
                rows += batch.Rows;
            }
            return rows;
        }
        finally
        {
            File.Delete(onnx);
        }
    }

    /// <summary>An output's CSV headers and the text of its cells in row r of a batch, as <c>predict</c> writes them through ML.NET.</summary>
    private sealed record OutputCells(string Name, IReadOnlyList<string> Headers, Func<OnnxColumn, int, string> Read);

    private static OutputCells Cells(string name, DataViewSchema.Column column, MultiTaskTransformer model)
    {
        var task = model.Tasks.First(t => name.StartsWith(t.Name + ".", StringComparison.Ordinal));
        if (column.Type == BooleanDataViewType.Instance)
            return new(name, [name], (c, r) => PredictionCells.Flag(((bool[])c.Values)[r]));
        if (column.Type is KeyDataViewType)
            return new(name, [name], (c, r) => PredictionCells.PredictedClass(((uint[])c.Values)[r], task.ClassNames));
        if (column.Type is VectorDataViewType vector)
            return new(name, PredictionCells.ClassHeaders(name, vector.Size, task.ClassNames), (c, r) => PredictionCells.Numbers(new ArraySegment<float>((float[])c.Values, r * c.Width, c.Width)));
        return new(name, [name], (c, r) => PredictionCells.Number(((float[])c.Values)[r]));
    }
}
