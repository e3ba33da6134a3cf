using Onnx;

namespace MlNetMtl.Onnx;

/// <summary>
/// Rewrites a pretrained encoder's graph, written for another default-domain opset, into the opset the export declares
/// (<see cref="Networks.Export.GraphWriter.Opset"/>, 12). From opset 13: <c>Unsqueeze</c>'s constant axes input becomes its
/// attribute, a last-axis <c>Softmax</c> states its axis. From opsets 7–11: <c>BatchNormalization</c> loses the
/// <c>spatial</c> attribute opset 9 removed (its value 1 is what opset 9 computes). The operators listed below have the
/// same form in both opsets; any other is refused by name rather than written in a form ONNX Runtime would read differently.
/// </summary>
internal static class OpsetConversion
{
    private const long Target = Networks.Export.GraphWriter.Opset;

    /// <summary>Opset 13 operators whose opset-12 form is the same (for 13 they differ only in types or in attributes not used here).</summary>
    private static readonly HashSet<string> SameFromThirteen = new(StringComparer.Ordinal)
    {
        "Add", "Cast", "Concat", "Constant", "Div", "Equal", "Erf", "Gather", "Gemm", "Identity", "MatMul", "Max", "Mul", "Pow",
        "ReduceL2", "ReduceMean", "Reshape", "Shape", "Slice", "Sqrt", "Sub", "Tanh", "Transpose", "Where",
    };

    /// <summary>
    /// Operators of opsets 7–11 whose opset-12 form reads the same attributes and inputs and computes the same (later
    /// versions added types, negative axes or attributes whose defaults are the old behaviour, e.g. pooling's ceil_mode).
    /// </summary>
    private static readonly HashSet<string> SameFromSeven = new(StringComparer.Ordinal)
    {
        "Add", "AveragePool", "Concat", "Conv", "Div", "GlobalAveragePool", "Identity", "MaxPool", "Mul", "Relu", "Reshape", "Sigmoid", "Split", "Sub", "Tanh",
    };

    /// <summary>Rewrites <paramref name="graph"/>'s default-domain nodes from <paramref name="opset"/> to opset 12.</summary>
    /// <exception cref="NotSupportedException">The opset, or an operator whose opset-12 form differs and is not rewritten here (it is named).</exception>
    public static void ToTwelve(GraphProto graph, long opset)
    {
        if (opset == Target)
            return;
        if (opset is < 7 or > 13)
            throw new NotSupportedException($"its ONNX model is written for opset {opset}; the export rewrites opsets 7 to 13 only.");
        if (opset > Target)
            FromThirteen(graph);
        else
            FromSeven(graph, opset);
    }

    private static void FromThirteen(GraphProto graph)
    {
        var constants = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        foreach (var node in graph.Node.Where(n => n.OpType == "Constant" && n.Attribute.Any(a => a.Name == "value")))
            constants[node.Output[0]] = node.Attribute.First(a => a.Name == "value").T;
        foreach (var node in graph.Node.Where(n => n.Domain.Length == 0))
        {
            switch (node.OpType)
            {
                case "Unsqueeze" when node.Input.Count == 2 && constants.TryGetValue(node.Input[1], out var axes):
                    node.Attribute.Add(new AttributeProto { Name = "axes", Type = AttributeProto.Types.AttributeType.Ints, Ints = { Int64s(axes) } });
                    node.Input.RemoveAt(1);
                    break;
                case "Softmax" when node.Attribute.FirstOrDefault(a => a.Name == "axis") is not { } axis:
                    // Opset 13's default; in opset 12 a last axis also normalises over that axis alone.
                    node.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = -1 });
                    break;
                case "Softmax" when node.Attribute.First(a => a.Name == "axis").I == -1:
                    break;
                case var op when SameFromThirteen.Contains(op):
                    break;
                default:
                    throw new NotSupportedException($"its ONNX model uses the opset-13 operator {node.OpType} ('{node.Name}'), which the export does not rewrite for opset 12.");
            }
        }
    }

    private static void FromSeven(GraphProto graph, long opset)
    {
        foreach (var node in graph.Node.Where(n => n.Domain.Length == 0))
        {
            switch (node.OpType)
            {
                case "BatchNormalization" when node.Output.Count == 1:
                    // Opsets 7–8 normalise per channel when spatial = 1 (the default); opset 9 always does and has no such attribute.
                    if (node.Attribute.FirstOrDefault(a => a.Name == "spatial") is { } spatial)
                    {
                        if (spatial.I != 1)
                            throw new NotSupportedException($"its ONNX model normalises per value (BatchNormalization '{node.Name}' with spatial = {spatial.I}), which opset 12 cannot write.");
                        node.Attribute.Remove(spatial);
                    }
                    break;
                case var op when SameFromSeven.Contains(op):
                    break;
                default:
                    throw new NotSupportedException($"its ONNX model uses the opset-{opset} operator {node.OpType} ('{node.Name}'), which the export does not rewrite for opset 12.");
            }
        }
    }

    private static long[] Int64s(TensorProto tensor) => tensor.RawData.Length > 0
        ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(tensor.RawData.Span).ToArray()
        : tensor.Int64Data.ToArray();
}
