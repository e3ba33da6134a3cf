using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data;
using MlNetMtl.MLNet;
using Onnx;

namespace MlNetMtl.Onnx;

/// <summary>
/// Writes a trained pipeline — featurization and multi-task network — as one ONNX model: the raw input columns in, one
/// output per ML.NET output column (<c>click.Score</c>, <c>click.Probability</c>, <c>click.PredictedLabel</c>, …) out.
/// ONNX IR version <see cref="IrVersion"/>, default-domain opset <see cref="Networks.Export.GraphWriter.Opset"/>.
/// </summary>
internal static class PipelineExport
{
    /// <summary>The ONNX IR version written (that of opset 12).</summary>
    public const long IrVersion = 7;

    /// <summary>The operator domain of ONNX Runtime Extensions (a sentence encoder's tokenizer and string operators).</summary>
    public const string ExtensionsDomain = "ai.onnx.contrib";
    /// <summary>The metadata entry that says a model needs ONNX Runtime Extensions, and how to load it.</summary>
    public const string ExtensionsKey = "mlnetmtl.custom-operators";
    private const string ExtensionsNote = "ai.onnx.contrib: ONNX Runtime Extensions (NuGet Microsoft.ML.OnnxRuntime.Extensions; SessionOptions.RegisterOrtExtensions() before the session is made)";

    public static ModelProto Export(MLContext ml, ITransformer model, DataViewSchema inputSchema)
    {
        var transformers = Flatten(model).ToList();
        int at = transformers.FindIndex(t => t is MultiTaskTransformer);
        if (at < 0)
            throw new ArgumentException("The model holds no MlNetMtl multi-task transformer, so there is no network to export.", nameof(model));
        if (transformers.Skip(at + 1).FirstOrDefault() is { } after)
            throw new NotSupportedException($"{FeaturizationExport.Describe(after)} follows the multi-task network; only the featurization before it and the network are exported.");
        var network = (MultiTaskTransformer)transformers[at];
        var graph = new GraphProto { Name = "MlNetMtl" };
        var writer = new OnnxGraphWriter(graph, "mtl/");
        var featurization = new FeaturizationExport(ml, writer);
        IDataView data = new EmptyDataView(inputSchema);
        foreach (var transformer in transformers.Take(at))
        {
            featurization.Add(transformer, data);
            data = transformer.Transform(data);
        }
        string features = writer.Reshape(featurization.Tensor(network.FeatureColumnName), -1, network.Network.InputDimension);
        var outputs = network.Network.Export(writer, features);
        for (int t = 0; t < network.Tasks.Count; t++)
            WriteTaskOutputs(writer, network.Tasks[t], network.Network.Tasks[t].OutputWidth, outputs.Tasks[t]);
        for (int a = 0; a < outputs.Auxiliary.Count; a++)
        {
            var auxiliary = network.Network.AuxiliaryOutputs[a];
            string name = OutputColumnNames.Auxiliary(network.Tasks[auxiliary.Task].Name, auxiliary.Name);
            writer.Named("Identity", name, [outputs.Auxiliary[a]]);
            graph.Output.Add(Tensor(name, TensorProto.Types.DataType.Float, 1));
        }
        OneHotInputs.Rewrite(writer, features);
        GraphPruning.KeepWhatOutputsNeed(graph, featurization.Inputs);
        var proto = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "MlNetMtl",
            ProducerVersion = typeof(PipelineExport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "",
            Graph = graph,
        };
        foreach (var (domain, version) in featurization.Opsets)
            proto.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = version });
        proto.MetadataProps.Add(new StringStringEntryProto { Key = "mlnetmtl.tasks", Value = string.Join(",", network.Tasks.Select(t => $"{t.Name}:{t.Kind.Name}")) });
        proto.MetadataProps.Add(new StringStringEntryProto { Key = "mlnetmtl.architecture", Value = network.Network.Options.Name });
        if (featurization.Opsets.ContainsKey(ExtensionsDomain))
            proto.MetadataProps.Add(new StringStringEntryProto { Key = ExtensionsKey, Value = ExtensionsNote });
        var images = featurization.Images.Where(i => graph.Input.Any(g => g.Name == i.Input)).ToArray(); // those the outputs read
        if (images.Length > 0)
            proto.MetadataProps.Add(new StringStringEntryProto { Key = ImageInput.Key, Value = ImageInput.Write(images) });
        return proto;
    }

    /// <summary>
    /// The network alone: input <c>Features</c> ([rows, input width] float), each task's raw outputs as <c>task.Score</c>
    /// (logits, values or class logits) — what the engine comparison of the benchmarks scores.
    /// </summary>
    internal static ModelProto ExportNetwork(Networks.MultiTaskNetwork network)
    {
        var graph = new GraphProto { Name = "MlNetMtl.Network" };
        var writer = new OnnxGraphWriter(graph, "mtl/");
        graph.Input.Add(Tensor("Features", TensorProto.Types.DataType.Float, network.InputDimension));
        var outputs = network.Export(writer, "Features");
        for (int t = 0; t < network.Tasks.Count; t++)
        {
            string name = OutputColumnNames.Score(network.Tasks[t].Name);
            writer.Named("Identity", name, [outputs.Tasks[t]]);
            graph.Output.Add(Tensor(name, TensorProto.Types.DataType.Float, network.Tasks[t].OutputWidth));
        }
        var proto = new ModelProto { IrVersion = IrVersion, ProducerName = "MlNetMtl", Graph = graph };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Networks.Export.GraphWriter.Opset });
        return proto;
    }

    /// <summary>
    /// The network alone reading its one-hot fields (categorical, several slots) as keys, as a serving system hands it ids:
    /// input <c>Keys</c> ([rows, one-hot fields] int64: 1 + the set slot of each field, 0 for none) and <c>Dense</c> ([rows,
    /// the other slots] float, in slot order); outputs as <see cref="ExportNetwork"/>. The graph never forms the one-hot rows.
    /// </summary>
    internal static ModelProto ExportNetworkOnKeys(Networks.MultiTaskNetwork network)
    {
        var fields = network.Encoder?.Fields ?? throw new ArgumentException("The network reads its features without fields (one-hot encoding), so it has no one-hot fields to read as keys.", nameof(network));
        var proto = ExportNetwork(network);
        var graph = proto.Graph;
        var writer = new OnnxGraphWriter(graph, "keys/");
        var oneHot = fields.Fields.Where(f => f.Kind == Networks.Encoders.FieldKind.Categorical && f.Length > 1).ToHashSet();
        int denseWidth = fields.Dimension - oneHot.Sum(f => f.Length);
        graph.Input.Clear();
        graph.Input.Add(Tensor("Keys", TensorProto.Types.DataType.Int64, oneHot.Count));
        if (denseWidth > 0)
            graph.Input.Add(Tensor("Dense", TensorProto.Types.DataType.Float, denseWidth));
        // The one-hot rows written as ML.NET's converter writes them (OneHotEncoder blocks in a FeatureVectorizer), which
        // OneHotInputs then reads by key.
        var blocks = new List<(string Tensor, long Width)>();
        int key = 0, dense = 0;
        foreach (var field in fields.Fields)
        {
            if (oneHot.Contains(field))
            {
                string keys = writer.Columns("Keys", key, ++key);
                blocks.Add((writer.Node("OneHotEncoder", "onehot", [keys], ("cats_int64s", Enumerable.Range(1, field.Length).Select(c => (long)c).ToArray()), ("zeros", 1L)), field.Length));
                graph.Node[^1].Domain = "ai.onnx.ml";
            }
            else
            {
                blocks.Add((writer.Columns("Dense", dense, dense + field.Length), field.Length));
                dense += field.Length;
            }
        }
        string features = writer.Node("FeatureVectorizer", "features", [.. blocks.Select(b => b.Tensor)], ("inputdimensions", blocks.Select(b => b.Width).ToArray()));
        graph.Node[^1].Domain = "ai.onnx.ml";
        foreach (var node in graph.Node)
            for (int i = 0; i < node.Input.Count; i++)
                if (node.Input[i] == "Features")
                    node.Input[i] = features;
        if (!OneHotInputs.Rewrite(writer, features))
            throw new NotSupportedException("The network reads its one-hot fields other than by a product or a slot pick, so they cannot be read as keys.");
        GraphPruning.KeepWhatOutputsNeed(graph, graph.Input.ToDictionary(i => i.Name, i => i));
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "ai.onnx.ml", Version = 2 });
        return proto;
    }

    /// <summary>A task's outputs as its ML.NET columns hold them, from its network outputs (logit, value or class logits).</summary>
    private static void WriteTaskOutputs(OnnxGraphWriter writer, TaskColumn task, int width, string outputs)
    {
        var graph = writer.Graph;
        foreach (var output in task.Kind.Outputs)
        {
            string name = OutputColumnNames.Of(task.Name, output);
            switch (output.Value)
            {
                case TaskOutputValue.Score:
                    writer.Named("Identity", name, [outputs]);
                    graph.Output.Add(Tensor(name, TensorProto.Types.DataType.Float, width));
                    break;
                case TaskOutputValue.Probability:
                    writer.Named("Sigmoid", name, [outputs]);
                    graph.Output.Add(Tensor(name, TensorProto.Types.DataType.Float, 1));
                    break;
                case TaskOutputValue.Decision:
                    writer.Named("Greater", name, [outputs, writer.Scalar("zero", 0f)]);
                    graph.Output.Add(Tensor(name, TensorProto.Types.DataType.Bool, 1));
                    break;
                case TaskOutputValue.ClassProbabilities:
                    writer.Named("Softmax", name, [outputs], ("axis", 1L));
                    graph.Output.Add(Tensor(name, TensorProto.Types.DataType.Float, width));
                    break;
                case TaskOutputValue.PredictedClass:
                    // ML.NET's key: 1 + the most likely class (0 is a missing key).
                    string best = writer.Node("ArgMax", "class", [outputs], ("axis", 1L), ("keepdims", 1L));
                    string key = writer.Add(best, writer.Int64s("one", 1));
                    writer.Named("Cast", name, [key], ("to", (long)TensorProto.Types.DataType.Uint32));
                    graph.Output.Add(Tensor(name, TensorProto.Types.DataType.Uint32, 1));
                    break;
                default:
                    throw new NotSupportedException($"Task '{task.Name}' has an output {output.Value} the ONNX export does not write.");
            }
        }
    }

    /// <summary>A graph output of [rows, width].</summary>
    internal static ValueInfoProto Tensor(string name, TensorProto.Types.DataType type, long width)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "rows" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = width });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }

    /// <summary>The transformers of a model in order, nested chains opened.</summary>
    private static IEnumerable<ITransformer> Flatten(ITransformer model) => model is TransformerChain<ITransformer> or IEnumerable<ITransformer>
        ? ((IEnumerable<ITransformer>)model).SelectMany(Flatten)
        : [model];
}
