namespace MlNetMtl.Networks.Export;

/// <summary>
/// The operators a network's inference pass is written in when it is exported: standard ONNX operators (opset
/// <see cref="Opset"/>) over named tensors, with weights as initializers. The ONNX writer (package <c>MlNetMtl.Onnx</c>)
/// implements it; each layer writes its own forward pass, so the export follows the architecture code that scores.
/// Every activation tensor is [rows, width] unless an operator says otherwise.
/// </summary>
internal abstract class GraphWriter
{
    /// <summary>The ONNX default-domain opset every node is written for (that of ML.NET's converter, so the featurization joins it).</summary>
    public const int Opset = 12;

    /// <summary>A float initializer of <paramref name="shape"/> holding <paramref name="values"/> (row-major); returns its name.</summary>
    public abstract string Constant(string hint, ReadOnlySpan<float> values, params long[] shape);

    /// <summary>A 1-D int64 initializer (shapes, slice bounds); returns its name.</summary>
    public abstract string Int64s(string hint, params long[] values);

    /// <summary>A node of <paramref name="op"/> on <paramref name="inputs"/>; returns its (single) output's name.</summary>
    public abstract string Node(string op, string hint, IReadOnlyList<string> inputs, params (string Name, object Value)[] attributes);

    /// <summary>A parameter's values as an initializer of its [rows, columns] shape.</summary>
    public string Constant(Parameter parameter) => Constant(parameter.Name, parameter.Value, parameter.Rows, parameter.Columns);

    /// <summary>Y = X·W + b (Gemm), W of [inputs × outputs] and b of [outputs].</summary>
    public string Affine(string x, Parameter weight, Parameter bias) =>
        Node("Gemm", weight.Name, [x, Constant(weight), Constant(bias.Name, bias.Value, bias.Columns)]);

    public string MatMul(string a, string b) => Node("MatMul", "matmul", [a, b]);
    public string Add(string a, string b) => Node("Add", "add", [a, b]);
    public string Sub(string a, string b) => Node("Sub", "sub", [a, b]);
    public string Mul(string a, string b) => Node("Mul", "mul", [a, b]);
    public string Div(string a, string b) => Node("Div", "div", [a, b]);
    public string Relu(string x) => Node("Relu", "relu", [x]);
    public string Sigmoid(string x) => Node("Sigmoid", "sigmoid", [x]);
    public string Softplus(string x) => Node("Softplus", "softplus", [x]);
    public string Neg(string x) => Node("Neg", "neg", [x]);
    public string Log(string x) => Node("Log", "log", [x]);
    public string Exp(string x) => Node("Exp", "exp", [x]);

    /// <summary>Softmax over the last axis of [rows, k] (opset 12 flattens at axis 1, which is the last axis here).</summary>
    public string Softmax(string x) => Node("Softmax", "softmax", [x], ("axis", 1L));

    /// <summary>Concatenation along <paramref name="axis"/>.</summary>
    public string Concat(long axis, params string[] inputs) => inputs.Length == 1 ? inputs[0] : Node("Concat", "concat", inputs, ("axis", axis));

    /// <summary>Columns [<paramref name="start"/>, <paramref name="end"/>) of [rows, width].</summary>
    public string Columns(string x, long start, long end) => Node("Slice", "columns", [x, Int64s("start", start), Int64s("end", end), Int64s("axis", 1)]);

    /// <summary>Sum over <paramref name="axis"/> (kept as size 1 when <paramref name="keep"/>).</summary>
    public string ReduceSum(string x, long axis, bool keep) => Node("ReduceSum", "sum", [x], ("axes", new[] { axis }), ("keepdims", keep ? 1L : 0L));

    /// <summary>Reshape to <paramref name="shape"/> (−1 for the rows).</summary>
    public string Reshape(string x, params long[] shape) => Node("Reshape", "reshape", [x, Int64s("shape", shape)]);

    /// <summary>1 where x ≠ 0, else 0, as float.</summary>
    public string NonZero(string x) => Node("Cast", "nonzero", [Node("Not", "not", [Node("Equal", "equal", [x, Constant("zero", [0f], 1)])])], ("to", 1L));

    /// <summary>A scalar-like [1] float constant.</summary>
    public string Scalar(string hint, float value) => Constant(hint, [value], 1);
}
