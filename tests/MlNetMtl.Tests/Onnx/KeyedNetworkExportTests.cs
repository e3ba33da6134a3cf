using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using MlNetMtl.Data;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Networks.Encoders;
using MlNetMtl.Onnx;

namespace MlNetMtl.Tests.Onnx;

/// <summary>
/// The network exported to read its one-hot fields as keys gives what the engine gives on the sparse rows — keys of 0 (no
/// slot set) included — and never forms a one-hot row.
/// </summary>
public class KeyedNetworkExportTests
{
    [TestCase(FeatureInteraction.None)]
    [TestCase(FeatureInteraction.FM)]
    public void OnKeys_MatchesTheEngine(FeatureInteraction interaction)
    {
        const int idFields = 3, ids = 37, dense = 4, rows = 50;
        var fields = new FieldLayout([.. Enumerable.Range(0, idFields).Select(f => new Field($"id{f}", f * ids, ids, FieldKind.Categorical)),
            new Field("dense", idFields * ids, dense, FieldKind.Vector)]);
        var options = new SharedBottomOptions
        {
            BottomWidths = [16], TowerWidths = [8],
            Encoder = new EncoderOptions { Encoding = InputEncoding.Embedding, EmbeddingSize = 8, Interaction = interaction },
        };
        var network = MultiTaskNetwork.Create(fields.Dimension, [new TaskDefinition("click", TaskKind.Binary), new TaskDefinition("watch", TaskKind.Regression)], options, seed: 2, fields: fields);
        var random = new Random(4);
        var keys = new long[rows * idFields];
        var values = new float[rows * dense];
        var starts = new List<int> { 0 };
        var indices = new List<int>();
        var sparse = new List<float>();
        for (int r = 0; r < rows; r++)
        {
            for (int f = 0; f < idFields; f++)
            {
                int id = random.Next(-1, ids); // -1: the field has no slot set in this row
                keys[r * idFields + f] = id + 1;
                if (id < 0)
                    continue;
                indices.Add(f * ids + id);
                sparse.Add(1f);
            }
            for (int d = 0; d < dense; d++)
            {
                values[r * dense + d] = random.NextSingle() * 2 - 1;
                indices.Add(idFields * ids + d);
                sparse.Add(values[r * dense + d]);
            }
            starts.Add(indices.Count);
        }
        var expected = new float[rows * network.OutputWidth];
        network.Predict(InputBatch.FromSparse(new SparseFeatures([.. starts], [.. indices], [.. sparse], fields.Dimension).AsCsr()), expected);

        var model = PipelineExport.ExportNetworkOnKeys(network);
        Assert.That(model.Graph.Node.Select(n => n.OpType), Has.None.EqualTo("OneHotEncoder"));
        using var session = new InferenceSession(model.ToByteArray());
        using var keyInput = OrtValue.CreateTensorValueFromMemory(keys, [rows, idFields]);
        using var denseInput = OrtValue.CreateTensorValueFromMemory(values, [rows, dense]);
        using var outputs = session.Run(new RunOptions(), ["Keys", "Dense"], [keyInput, denseInput], ["click.Score", "watch.Score"]);
        for (int t = 0; t < 2; t++)
        {
            var onnx = outputs[t].GetTensorDataAsSpan<float>();
            for (int r = 0; r < rows; r++)
                Assert.That(onnx[r], Is.EqualTo(expected[r * network.OutputWidth + t]).Within(1e-5f * Math.Max(1f, Math.Abs(expected[r * network.OutputWidth + t]))), $"task {t}, row {r}");
        }
    }
}
