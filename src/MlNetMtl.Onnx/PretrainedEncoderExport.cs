using Microsoft.ML;
using MlNetMtl.MLNet.Images;
using MlNetMtl.MLNet.Pretrained;
using Onnx;

namespace MlNetMtl.Onnx;

/// <summary>
/// Pretrained-embedding columns (a sentence encoder's vectors): the encoder's own ONNX model on one text
/// (<see cref="IOnnxWritableEncoder.OnnxModel"/>, rewritten for opset 12) is the body of a Loop over the rows — each text
/// encoded alone, as the encoder does, so no padding enters — its weights stored once in the graph around it. A blank cell
/// (empty, or only the characters .NET counts as white space) gives zeros, as <see cref="PretrainedEmbeddingTransformer"/> does.
/// </summary>
internal sealed class PretrainedEncoderExport(OnnxGraphWriter writer)
{
    /// <summary>.NET's white space (<c>char.IsWhiteSpace</c>: tab to carriage return, U+0085, the separators Zs, Zl, Zp) in RE2's syntax.</summary>
    private const string WhiteSpace = @"[\t-\r\x{85}\p{Z}]";

    public bool TryWrite(ITransformer transformer, IDataView data, string[] produced, FeaturizationExport export)
    {
        if (transformer is not PretrainedEmbeddingTransformer embedding)
            return false;
        var encoder = embedding.Encoder;
        if (encoder is IImageEncoder)
            throw FeaturizationExport.Refusal(transformer, produced, $"its encoder {encoder.Name} reads image files, which an ONNX graph cannot open.");
        if (encoder is not IOnnxWritableEncoder writable)
            throw FeaturizationExport.Refusal(transformer, produced, $"its encoder {encoder.Name} ({encoder.GetType().FullName}) has no ONNX form (it does not implement IOnnxWritableEncoder).");
        GraphProto body;
        try
        {
            var model = ModelProto.Parser.ParseFrom(writable.OnnxModel());
            body = model.Graph;
            if (body.Input.Count != 1 || body.Output.Count != 1)
                throw new NotSupportedException($"its ONNX model has {body.Input.Count} inputs and {body.Output.Count} outputs; one of each is read.");
            OpsetDowngrade.ToTwelve(body, model.OpsetImport.Where(o => o.Domain.Length == 0).Select(o => o.Version).DefaultIfEmpty(0).Max());
            GraphPruning.KeepWhatOutputsNeed(body, body.Input.ToDictionary(i => i.Name, i => i)); // e.g. a pooler the vector does not use
            foreach (var opset in model.OpsetImport.Where(o => o.Domain.Length > 0))
                export.Opsets[opset.Domain] = Math.Max(opset.Version, export.Opsets.GetValueOrDefault(opset.Domain));
        }
        catch (NotSupportedException error)
        {
            throw FeaturizationExport.Refusal(transformer, produced, $"its encoder {encoder.Name}: {error.Message}");
        }
        export.Opsets[PipelineExport.ExtensionsDomain] = Math.Max(1, export.Opsets.GetValueOrDefault(PipelineExport.ExtensionsDomain)); // the blank-cell test's string operators
        var weights = MoveWeights(body);
        foreach (var pair in embedding.Columns)
        {
            try
            {
                export.Set(pair.OutputColumnName, Encode(export.Read(data.Schema[pair.InputColumnName]), body, weights, encoder.Dimension));
            }
            catch (InvalidOperationException error)
            {
                throw FeaturizationExport.Refusal(transformer, produced, $"its encoder {encoder.Name}'s ONNX model is not one graph: {error.Message}.");
            }
        }
        return true;
    }

    /// <summary>The encoder's initializers, stored once in the outer graph under unique names (the Loop bodies read them from there).</summary>
    private Dictionary<string, string> MoveWeights(GraphProto body)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var initializer in body.Initializer)
        {
            var moved = initializer.Clone();
            moved.Name = names[initializer.Name] = writer.Unique("encoder." + initializer.Name);
            writer.Graph.Initializer.Add(moved);
        }
        return names;
    }

    /// <summary>The vectors ([rows, dimension]) of the texts in <paramref name="texts"/> ([rows, 1] string).</summary>
    private string Encode(string texts, GraphProto encoder, Dictionary<string, string> weights, int dimension)
    {
        string iteration = writer.Unique("row"), conditionIn = writer.Unique("go"), textsIn = writer.Unique("texts");
        var body = new GraphProto { Name = writer.Unique("encode") };
        body.Input.Add(Scalar(iteration, TensorProto.Types.DataType.Int64));
        body.Input.Add(Scalar(conditionIn, TensorProto.Types.DataType.Bool));
        body.Input.Add(PipelineExport.Tensor(textsIn, TensorProto.Types.DataType.String, 1));
        // The body: this row's text (shape [1]) through the encoder's nodes, renamed apart from the rest of the graph.
        var names = new Dictionary<string, string>(weights, StringComparer.Ordinal) { [""] = "", [encoder.Input[0].Name] = writer.Unique("text") };
        body.Node.Add(new NodeProto { OpType = "Gather", Name = writer.Unique("Gather"), Input = { textsIn, iteration }, Output = { names[encoder.Input[0].Name] }, Attribute = { new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 0 } } });
        foreach (var node in encoder.Node)
            body.Node.Add(writer.Renamed(node, names));
        string conditionOut = writer.Unique("go"), textsOut = writer.Unique("texts");
        body.Node.Add(new NodeProto { OpType = "Identity", Name = writer.Unique("Identity"), Input = { conditionIn }, Output = { conditionOut } });
        body.Node.Add(new NodeProto { OpType = "Identity", Name = writer.Unique("Identity"), Input = { textsIn }, Output = { textsOut } });
        body.Output.Add(Scalar(conditionOut, TensorProto.Types.DataType.Bool));
        body.Output.Add(PipelineExport.Tensor(textsOut, TensorProto.Types.DataType.String, 1));
        body.Output.Add(encoder.Output[0].Clone()); // [1, dimension]
        body.Output[^1].Name = names[encoder.Output[0].Name];

        // The texts ride along as the loop's carried value, so the Loop visibly depends on them (node order, pruning).
        string rows = writer.Node("Gather", "rows", [writer.Node("Shape", "shape", [texts]), writer.Int64Scalar("first", 0)], ("axis", 0L));
        var loop = new NodeProto { OpType = "Loop", Name = writer.Unique("Loop"), Input = { rows, "", texts }, Output = { writer.Unique("texts"), writer.Unique("vectors") } };
        loop.Attribute.Add(new AttributeProto { Name = "body", Type = AttributeProto.Types.AttributeType.Graph, G = body });
        writer.Graph.Node.Add(loop);
        string vectors = writer.Reshape(loop.Output[1], -1, dimension);

        // Blank cells: what is left after removing white space is empty.
        string stripped = writer.Node("StringRegexReplace", "stripped", [texts, writer.Strings("whitespace", WhiteSpace), writer.Strings("nothing", "")]);
        writer.Graph.Node[^1].Domain = PipelineExport.ExtensionsDomain;
        string length = writer.Node("StringLength", "length", [stripped]);
        writer.Graph.Node[^1].Domain = PipelineExport.ExtensionsDomain;
        string blank = writer.Node("Equal", "blank", [length, writer.Int64s("zero", 0)]);
        return writer.Node("Where", "embedded", [blank, writer.Constant("zeros", new float[dimension], 1, dimension), vectors]);
    }

    private static ValueInfoProto Scalar(string name, TensorProto.Types.DataType type) =>
        new() { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = new TensorShapeProto() } } };
}
