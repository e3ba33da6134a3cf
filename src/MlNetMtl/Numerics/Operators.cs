namespace MlNetMtl.Numerics;

/// <summary>An element-wise function of one input, written once for every register width.</summary>
internal interface IUnaryOperator
{
    static abstract TV Invoke<TS, TV>(TV x) where TS : ISimd<TV> where TV : struct;
}

/// <summary>An element-wise function of two inputs, written once for every register width.</summary>
internal interface IBinaryOperator
{
    static abstract TV Invoke<TS, TV>(TV x, TV y) where TS : ISimd<TV> where TV : struct;
}

/// <summary>A per-element loss: returns the loss and writes d(loss)/d(prediction).</summary>
internal interface ILossOperator
{
    static abstract TV Invoke<TS, TV>(TV prediction, TV label, out TV gradient) where TS : ISimd<TV> where TV : struct;
}

/// <summary>max(x, 0).</summary>
internal readonly struct ReluOperator : IUnaryOperator
{
    public static TV Invoke<TS, TV>(TV x) where TS : ISimd<TV> where TV : struct => TS.Max(x, TS.Zero);
}

/// <summary>The ReLU backward pass from its output: <c>output &gt; 0 ? gradient : 0</c>.</summary>
internal readonly struct ReluGradientOperator : IBinaryOperator
{
    public static TV Invoke<TS, TV>(TV output, TV gradient) where TS : ISimd<TV> where TV : struct => TS.SelectPositive(output, gradient, TS.Zero);
}

/// <summary>σ(x) from e = exp(−|x|): 1/(1+e) for x &gt; 0, e/(1+e) otherwise, so exp never overflows.</summary>
internal readonly struct SigmoidOperator : IUnaryOperator
{
    public static TV Invoke<TS, TV>(TV x) where TS : ISimd<TV> where TV : struct
    {
        TV e = TS.Exp(TS.Subtract(TS.Zero, TS.Abs(x)));
        TV inverse = TS.Divide(TS.Broadcast(1f), TS.Add(TS.Broadcast(1f), e));
        return TS.SelectPositive(x, inverse, TS.Multiply(e, inverse));
    }
}

/// <summary>log σ(x) = min(x, 0) − log(1 + exp(−|x|)), finite for every finite x.</summary>
internal readonly struct LogSigmoidOperator : IUnaryOperator
{
    public static TV Invoke<TS, TV>(TV x) where TS : ISimd<TV> where TV : struct =>
        TS.Subtract(TS.Min(x, TS.Zero), Softplus<TS, TV>(TS.Subtract(TS.Zero, TS.Abs(x))));

    /// <summary>log(1 + exp(t)) for t ≤ 0.</summary>
    internal static TV Softplus<TS, TV>(TV nonPositive) where TS : ISimd<TV> where TV : struct =>
        TS.Log(TS.Add(TS.Broadcast(1f), TS.Exp(nonPositive)));
}

/// <summary>
/// Binary cross-entropy on a logit z with label y ∈ [0, 1]: max(z, 0) − z·y + log(1 + exp(−|z|)),
/// gradient σ(z) − y. Stable for any finite z.
/// </summary>
internal readonly struct BinaryCrossEntropyWithLogitsOperator : ILossOperator
{
    public static TV Invoke<TS, TV>(TV logit, TV label, out TV gradient) where TS : ISimd<TV> where TV : struct
    {
        gradient = TS.Subtract(SigmoidOperator.Invoke<TS, TV>(logit), label);
        TV softplus = LogSigmoidOperator.Softplus<TS, TV>(TS.Subtract(TS.Zero, TS.Abs(logit)));
        return TS.Add(TS.Subtract(TS.Max(logit, TS.Zero), TS.Multiply(logit, label)), softplus);
    }
}

/// <summary>Squared error (p − y)², gradient 2(p − y).</summary>
internal readonly struct SquaredErrorOperator : ILossOperator
{
    public static TV Invoke<TS, TV>(TV prediction, TV label, out TV gradient) where TS : ISimd<TV> where TV : struct
    {
        TV difference = TS.Subtract(prediction, label);
        gradient = TS.Add(difference, difference);
        return TS.Multiply(difference, difference);
    }
}

/// <summary>x − y.</summary>
internal readonly struct SubtractOperator : IBinaryOperator
{
    public static TV Invoke<TS, TV>(TV x, TV y) where TS : ISimd<TV> where TV : struct => TS.Subtract(x, y);
}

/// <summary>x · y.</summary>
internal readonly struct MultiplyOperator : IBinaryOperator
{
    public static TV Invoke<TS, TV>(TV x, TV y) where TS : ISimd<TV> where TV : struct => TS.Multiply(x, y);
}
