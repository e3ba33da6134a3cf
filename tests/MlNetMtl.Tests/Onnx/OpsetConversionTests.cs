using MlNetMtl.Onnx;
using Onnx;

namespace MlNetMtl.Tests.Onnx;

/// <summary>
/// An encoder's graph written for another opset is rewritten for opset 12 where the rewrite is known, and refused by name
/// where it is not: never passed on in a form ONNX Runtime would read differently.
/// </summary>
public class OpsetConversionTests
{
    private static GraphProto Graph(params NodeProto[] nodes)
    {
        var graph = new GraphProto();
        graph.Node.AddRange(nodes);
        return graph;
    }

    private static NodeProto Node(string op, string name, params AttributeProto[] attributes) =>
        new() { OpType = op, Name = name, Input = { "x" }, Output = { name + ".out" }, Attribute = { attributes } };

    private static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    [Test]
    public void FromOpsetEight_BatchNormalizationLosesSpatial_TheSameFormsStay()
    {
        var graph = Graph(Node("Conv", "conv"), Node("BatchNormalization", "bn", Int("spatial", 1), new AttributeProto { Name = "epsilon", Type = AttributeProto.Types.AttributeType.Float, F = 1e-5f }), Node("Relu", "relu"));
        OpsetConversion.ToTwelve(graph, 8);
        Assert.That(graph.Node.Select(n => n.OpType), Is.EqualTo(new[] { "Conv", "BatchNormalization", "Relu" }));
        Assert.That(graph.Node[1].Attribute.Select(a => a.Name), Is.EqualTo(new[] { "epsilon" }));
    }

    [TestCase(8, "BatchNormalization", "normalises per value (BatchNormalization 'op' with spatial = 0)")]
    [TestCase(8, "Upsample", "uses the opset-8 operator Upsample ('op'), which the export does not rewrite for opset 12")]
    [TestCase(9, "Slice", "uses the opset-9 operator Slice ('op')")]
    [TestCase(13, "Split", "uses the opset-13 operator Split ('op')")]
    [TestCase(6, "Add", "written for opset 6; the export rewrites opsets 7 to 13 only")]
    [TestCase(14, "Add", "written for opset 14")]
    public void WhatIsNotRewritten_IsRefusedByName(int opset, string op, string message)
    {
        var graph = Graph(Node(op, "op", Int("spatial", 0)));
        var error = Assert.Throws<NotSupportedException>(() => OpsetConversion.ToTwelve(graph, opset))!;
        Assert.That(error.Message, Does.Contain(message));
    }
}
