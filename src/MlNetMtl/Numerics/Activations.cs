namespace MlNetMtl.Numerics;

/// <summary>Element-wise activations and their backward passes (any length; destination may alias the input).</summary>
internal static class Activations
{
    /// <summary><c>destination = max(x, 0)</c>.</summary>
    public static void Relu(ReadOnlySpan<float> x, Span<float> destination) => Elementwise.Map<ReluOperator>(x, destination);

    /// <summary>ReLU backward from the layer's output: <c>destination = output &gt; 0 ? gradient : 0</c>.</summary>
    public static void ReluBackward(ReadOnlySpan<float> output, ReadOnlySpan<float> gradient, Span<float> destination) =>
        Elementwise.Map<ReluGradientOperator>(output, gradient, destination);

    /// <summary>Numerically stable logistic function σ(x) = 1 / (1 + e^−x).</summary>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> destination) => Elementwise.Map<SigmoidOperator>(x, destination);

    /// <summary>log σ(x), stable for large |x|.</summary>
    public static void LogSigmoid(ReadOnlySpan<float> x, Span<float> destination) => Elementwise.Map<LogSigmoidOperator>(x, destination);
}
