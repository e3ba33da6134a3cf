using System.Runtime.InteropServices;
using Google.Protobuf;
using MlNetMtl.Networks.Export;
using Onnx;

namespace MlNetMtl.Onnx;

/// <summary>Writes <see cref="GraphWriter"/>'s operators as ONNX nodes and initializers into a graph, every name unique under a prefix.</summary>
internal sealed class OnnxGraphWriter(GraphProto graph, string prefix) : GraphWriter
{
    private int _next;

    public GraphProto Graph { get; } = graph;

    /// <summary>A name no other node or initializer of the graph has: the prefix, the hint and a counter.</summary>
    public string Unique(string hint) => $"{prefix}{hint}.{_next++}";

    public override string Constant(string hint, ReadOnlySpan<float> values, params long[] shape)
    {
        var tensor = new TensorProto { Name = Unique(hint), DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(shape);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values)); // ONNX raw data is little-endian, as .NET is here
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    public override string Int64s(string hint, params long[] values)
    {
        var tensor = new TensorProto { Name = Unique(hint), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>A string tensor of <paramref name="values"/>, shape [count].</summary>
    public string Strings(string hint, params string[] values)
    {
        var tensor = new TensorProto { Name = Unique(hint), DataType = (int)TensorProto.Types.DataType.String };
        tensor.Dims.Add(values.Length);
        tensor.StringData.AddRange(values.Select(ByteString.CopyFromUtf8));
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>A 0-dimensional int64 tensor (what <c>Range</c> and <c>Gather</c>'s scalar index take).</summary>
    public string Int64Scalar(string hint, long value)
    {
        var tensor = new TensorProto { Name = Unique(hint), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Int64Data.Add(value);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    public override string Node(string op, string hint, IReadOnlyList<string> inputs, params (string Name, object Value)[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = Unique(op) };
        node.Input.AddRange(inputs);
        string output = Unique(hint);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes.Select(a => Attribute(a.Name, a.Value)));
        Graph.Node.Add(node);
        return output;
    }

    /// <summary>A node writing to a given output name (a graph output named like an ML.NET column).</summary>
    public void Named(string op, string output, IReadOnlyList<string> inputs, params (string Name, object Value)[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = Unique(op) };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes.Select(a => Attribute(a.Name, a.Value)));
        Graph.Node.Add(node);
    }

    /// <summary>
    /// A copy of another model's node for this graph: its name and outputs made unique (each recorded in
    /// <paramref name="names"/>), its inputs read through <paramref name="names"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The node reads a name that no input, initializer or earlier node gives.</exception>
    public NodeProto Renamed(NodeProto node, Dictionary<string, string> names)
    {
        var copy = node.Clone();
        copy.Name = Unique(node.Name.Length > 0 ? node.Name : node.OpType);
        for (int i = 0; i < copy.Input.Count; i++)
            copy.Input[i] = names.TryGetValue(copy.Input[i], out var renamed) ? renamed
                : throw new InvalidOperationException($"node '{node.Name}' reads '{copy.Input[i]}' before any node writes it");
        for (int i = 0; i < copy.Output.Count; i++)
            copy.Output[i] = names[node.Output[i]] = node.Output[i].Length == 0 ? "" : Unique(node.Output[i]);
        return copy;
    }

    private static AttributeProto Attribute(string name, object value) => value switch
    {
        long i => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = i },
        float f => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = f },
        long[] ints => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints, Ints = { ints } },
        string s => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(s) },
        string[] strings => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings, Strings = { strings.Select(ByteString.CopyFromUtf8) } },
        _ => throw new ArgumentException($"Attribute '{name}' has a value of type {value.GetType().Name}, which is not written.", nameof(value)),
    };
}
