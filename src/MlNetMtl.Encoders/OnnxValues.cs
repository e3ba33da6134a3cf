using Onnx;

namespace MlNetMtl.Encoders;

/// <summary>ONNX declarations of the encoders' own models.</summary>
internal static class OnnxValues
{
    /// <summary>A tensor's declaration; each dimension a size (long) or a symbolic name (string).</summary>
    public static ValueInfoProto Tensor(string name, TensorProto.Types.DataType type, params object[] dimensions)
    {
        var shape = new TensorShapeProto();
        foreach (var dimension in dimensions)
            shape.Dim.Add(dimension is string symbol ? new TensorShapeProto.Types.Dimension { DimParam = symbol } : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dimension) });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }

    /// <summary>A node of the default domain.</summary>
    public static NodeProto Node(string op, string name, string[] inputs, string output, params AttributeProto[] attributes) =>
        new() { OpType = op, Name = name, Input = { inputs }, Output = { output }, Attribute = { attributes } };

    /// <summary>An int64 list attribute.</summary>
    public static AttributeProto Ints(string name, params long[] values) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Ints, Ints = { values } };

    /// <summary>An int64 attribute.</summary>
    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };
}
