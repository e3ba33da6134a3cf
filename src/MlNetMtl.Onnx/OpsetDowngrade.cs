using Onnx;

namespace MlNetMtl.Onnx;

/// <summary>
/// Rewrites a graph written for default-domain opset 13 (a pretrained encoder's model) into the opset the export declares
/// (<see cref="Networks.Export.GraphWriter.Opset"/>, 12): <c>Unsqueeze</c>'s constant axes input becomes its attribute, a
/// last-axis <c>Softmax</c> states its axis; the operators below have the same form in both. Any other operator is refused
/// by name rather than written in a form ONNX Runtime would read differently.
/// </summary>
internal static class OpsetDowngrade
{
    private static readonly HashSet<string> SameForm = new(StringComparer.Ordinal)
    {
        "Add", "Cast", "Concat", "Constant", "Div", "Equal", "Erf", "Gather", "Gemm", "Identity", "MatMul", "Max", "Mul", "Pow",
        "ReduceL2", "ReduceMean", "Reshape", "Shape", "Slice", "Sqrt", "Sub", "Tanh", "Transpose", "Where",
    };

    /// <summary>Rewrites <paramref name="graph"/>'s default-domain nodes from <paramref name="opset"/> to opset 12.</summary>
    /// <exception cref="NotSupportedException">An operator whose opset-12 form differs and is not rewritten here (it is named).</exception>
    public static void ToTwelve(GraphProto graph, long opset)
    {
        if (opset <= Networks.Export.GraphWriter.Opset)
            return;
        if (opset > 13)
            throw new NotSupportedException($"its ONNX model is written for opset {opset}; the export rewrites opset 13 only.");
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
                case var op when SameForm.Contains(op):
                    break;
                default:
                    throw new NotSupportedException($"its ONNX model uses the opset-13 operator {node.OpType} ('{node.Name}'), which the export does not rewrite for opset 12.");
            }
        }
    }

    private static long[] Int64s(TensorProto tensor) => tensor.RawData.Length > 0
        ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(tensor.RawData.Span).ToArray()
        : tensor.Int64Data.ToArray();
}
