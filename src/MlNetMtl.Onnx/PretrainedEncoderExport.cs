using Microsoft.ML;
using MlNetMtl.MLNet.Images;
using MlNetMtl.MLNet.Pretrained;
using Onnx;

namespace MlNetMtl.Onnx;

/// <summary>
/// Pretrained-embedding columns — a sentence encoder's vectors of a text column, an image encoder's of an image column —
/// through the encoder's own ONNX model (<see cref="IOnnxWritableEncoder.OnnxModel"/>, rewritten for opset 12), its weights
/// stored once in the graph. A model of one input per run (a sentence encoder's tokens vary in length) is the body of a
/// Loop over the rows, so each input is encoded alone and no padding enters; a model that reads any number of inputs at
/// once (ResNet18) runs on every row at once, in the graph itself — measured on held-out images: ResNet18 in a Loop body
/// gave vectors up to 1.9 × 10⁻⁶ away from the encoder's (ONNX Runtime optimises a subgraph otherwise), in the graph the
/// same bits. A text is
/// read from its raw column; an image, which a graph cannot open, from its pixels (<see cref="ImageInput"/>). A blank text
/// cell (empty, or only the characters .NET counts as white space) and a missing image (a row of negative pixels) give
/// zeros, as <see cref="PretrainedEmbeddingTransformer"/> does for empty cells.
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
        if (encoder is not IOnnxWritableEncoder writable)
            throw FeaturizationExport.Refusal(transformer, produced, $"its encoder {encoder.Name} ({encoder.GetType().FullName}) has no ONNX form (it does not implement IOnnxWritableEncoder).");
        GraphProto body;
        try
        {
            var model = ModelProto.Parser.ParseFrom(writable.OnnxModel());
            body = model.Graph;
            if (body.Input.Count != 1 || body.Output.Count != 1)
                throw new NotSupportedException($"its ONNX model has {body.Input.Count} inputs and {body.Output.Count} outputs; one of each is read.");
            OpsetConversion.ToTwelve(body, model.OpsetImport.Where(o => o.Domain.Length == 0).Select(o => o.Version).DefaultIfEmpty(0).Max());
            GraphPruning.KeepWhatOutputsNeed(body, body.Input.ToDictionary(i => i.Name, i => i)); // e.g. a pooler the vector does not use
            foreach (var opset in model.OpsetImport.Where(o => o.Domain.Length > 0))
                export.Opsets[opset.Domain] = Math.Max(opset.Version, export.Opsets.GetValueOrDefault(opset.Domain));
        }
        catch (NotSupportedException error)
        {
            throw FeaturizationExport.Refusal(transformer, produced, $"its encoder {encoder.Name}: {error.Message}");
        }
        var weights = MoveWeights(body);
        foreach (var pair in embedding.Columns)
        {
            try
            {
                var (inputs, missing) = encoder is IImageEncoder image
                    ? Pixels(ImageInput.For(pair.InputColumnName, image, embedding.ImageFolder), data, export)
                    : Texts(export.Read(data.Schema[pair.InputColumnName]), export);
                string vectors = ReadsMany(body) ? EncodeAll(inputs, body, weights, encoder.Dimension) : EncodeEach(inputs, encoder is IImageEncoder, body, weights, encoder.Dimension);
                export.Set(pair.OutputColumnName, writer.Node("Where", "embedded", [missing, writer.Constant("zeros", new float[encoder.Dimension], 1, encoder.Dimension), vectors]));
            }
            catch (InvalidOperationException error)
            {
                throw FeaturizationExport.Refusal(transformer, produced, $"its encoder {encoder.Name}'s ONNX model is not one graph: {error.Message}.");
            }
            catch (NotSupportedException error)
            {
                throw FeaturizationExport.Refusal(transformer, produced, error.Message);
            }
        }
        return true;
    }

    /// <summary>A text column ([rows, 1] string) and which of its cells are blank ([rows, 1] bool).</summary>
    private (string Texts, string Blank) Texts(string texts, FeaturizationExport export)
    {
        export.Opsets[PipelineExport.ExtensionsDomain] = Math.Max(1, export.Opsets.GetValueOrDefault(PipelineExport.ExtensionsDomain)); // the string operators below
        // Blank: what is left after removing white space is empty.
        string stripped = writer.Node("StringRegexReplace", "stripped", [texts, writer.Strings("whitespace", WhiteSpace), writer.Strings("nothing", "")]);
        writer.Graph.Node[^1].Domain = PipelineExport.ExtensionsDomain;
        string length = writer.Node("StringLength", "length", [stripped]);
        writer.Graph.Node[^1].Domain = PipelineExport.ExtensionsDomain;
        return (texts, writer.Node("Equal", "blank", [length, writer.Int64s("zero", 0)]));
    }

    /// <summary>An image column's pixel input ([rows, 3, side, side] float), declared a graph input, and which rows are missing ([rows, 1] bool).</summary>
    /// <exception cref="NotSupportedException">The input's name is a column of the data too (both are named).</exception>
    private (string Pixels, string Missing) Pixels(ImageInput image, IDataView data, FeaturizationExport export)
    {
        if (data.Schema.GetColumnOrNull(image.Input) is not null || export.Inputs.ContainsKey(image.Input))
            throw new NotSupportedException($"the graph reads the images of '{image.Column}' as pixels in the input '{image.Input}', and the data has a column of that name too: rename it.");
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "rows" });
        foreach (long size in new long[] { 3, image.Side, image.Side })
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = size });
        export.Inputs[image.Input] = new ValueInfoProto
        {
            Name = image.Input, DocString = image.Description,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
        export.Images.Add(image);
        // Missing: no value of the row is zero or more.
        string largest = writer.Node("ReduceMax", "largest", [writer.Reshape(image.Input, -1, image.Width)], ("axes", new long[] { 1 }), ("keepdims", 1L));
        return (image.Input, writer.Node("Less", "missing", [largest, writer.Scalar("zero", 0f)]));
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

    /// <summary>Whether the encoder's model reads any number of inputs at once: its input's first dimension is symbolic.</summary>
    private static bool ReadsMany(GraphProto encoder) =>
        encoder.Input[0].Type.TensorType.Shape is { Dim.Count: > 0 } shape && shape.Dim[0].ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam;

    /// <summary>The vectors ([rows, dimension]) of every row of <paramref name="inputs"/> in one run of the encoder's nodes, written into the graph.</summary>
    private string EncodeAll(string inputs, GraphProto encoder, Dictionary<string, string> weights, int dimension)
    {
        // The rows in the shape the encoder reads: texts [rows, 1] as [rows]; pixels as they are.
        long[] shape = [-1, .. encoder.Input[0].Type.TensorType.Shape.Dim.Skip(1).Select(d => d.DimValue)];
        var names = new Dictionary<string, string>(weights, StringComparer.Ordinal) { [""] = "", [encoder.Input[0].Name] = writer.Reshape(inputs, shape) };
        foreach (var node in encoder.Node)
            writer.Graph.Node.Add(writer.Renamed(node, names));
        return writer.Reshape(names[encoder.Output[0].Name], -1, dimension);
    }

    /// <summary>The vectors ([rows, dimension]) of the rows of <paramref name="inputs"/> (texts [rows, 1] or pixels [rows, 3, side, side]), a Loop running the encoder on each.</summary>
    private string EncodeEach(string inputs, bool pixels, GraphProto encoder, Dictionary<string, string> weights, int dimension)
    {
        var type = pixels ? TensorProto.Types.DataType.Float : TensorProto.Types.DataType.String;
        string iteration = writer.Unique("row"), conditionIn = writer.Unique("go"), inputsIn = writer.Unique("inputs");
        var body = new GraphProto { Name = writer.Unique("encode") };
        body.Input.Add(Scalar(iteration, TensorProto.Types.DataType.Int64));
        body.Input.Add(Scalar(conditionIn, TensorProto.Types.DataType.Bool));
        body.Input.Add(Carried(inputsIn, type));
        // The body: this row's input ([1] text, [1, 3, side, side] pixels) through the encoder's nodes, renamed apart from the rest of the graph.
        var names = new Dictionary<string, string>(weights, StringComparer.Ordinal) { [""] = "", [encoder.Input[0].Name] = writer.Unique("input") };
        string row = pixels ? writer.Unique("pixels") : names[encoder.Input[0].Name];
        body.Node.Add(new NodeProto { OpType = "Gather", Name = writer.Unique("Gather"), Input = { inputsIn, iteration }, Output = { row }, Attribute = { Int("axis", 0) } });
        if (pixels) // Gather by a scalar drops the row axis, which the encoder's one-image input has
            body.Node.Add(new NodeProto { OpType = "Unsqueeze", Name = writer.Unique("Unsqueeze"), Input = { row }, Output = { names[encoder.Input[0].Name] }, Attribute = { new AttributeProto { Name = "axes", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 0 } } } });
        foreach (var node in encoder.Node)
            body.Node.Add(writer.Renamed(node, names));
        string conditionOut = writer.Unique("go"), inputsOut = writer.Unique("inputs");
        body.Node.Add(new NodeProto { OpType = "Identity", Name = writer.Unique("Identity"), Input = { conditionIn }, Output = { conditionOut } });
        body.Node.Add(new NodeProto { OpType = "Identity", Name = writer.Unique("Identity"), Input = { inputsIn }, Output = { inputsOut } });
        body.Output.Add(Scalar(conditionOut, TensorProto.Types.DataType.Bool));
        body.Output.Add(Carried(inputsOut, type));
        body.Output.Add(encoder.Output[0].Clone()); // [1, dimension]
        body.Output[^1].Name = names[encoder.Output[0].Name];

        // The inputs ride along as the loop's carried value, so the Loop visibly depends on them (node order, pruning).
        string rows = writer.Node("Gather", "rows", [writer.Node("Shape", "shape", [inputs]), writer.Int64Scalar("first", 0)], ("axis", 0L));
        var loop = new NodeProto { OpType = "Loop", Name = writer.Unique("Loop"), Input = { rows, "", inputs }, Output = { writer.Unique("inputs"), writer.Unique("vectors") } };
        loop.Attribute.Add(new AttributeProto { Name = "body", Type = AttributeProto.Types.AttributeType.Graph, G = body });
        writer.Graph.Node.Add(loop);
        return writer.Reshape(loop.Output[1], -1, dimension);
    }

    private static ValueInfoProto Scalar(string name, TensorProto.Types.DataType type) =>
        new() { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = new TensorShapeProto() } } };

    /// <summary>The Loop's carried rows (texts [rows, 1], pixels [rows, 3, side, side]): of a type, their shape left to ONNX Runtime.</summary>
    private static ValueInfoProto Carried(string name, TensorProto.Types.DataType type) =>
        new() { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type } } };

    private static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };
}
