namespace MlNetMtl.Numerics;

/// <summary>Per-element losses: each returns the sum of the losses and writes d(loss)/d(prediction) per element.</summary>
public static class Losses
{
    /// <summary>
    /// Binary cross-entropy on logits: <c>max(z,0) − z·y + log(1 + e^−|z|)</c>; gradient <c>σ(z) − y</c>.
    /// </summary>
    public static double BinaryCrossEntropyWithLogits(ReadOnlySpan<float> logits, ReadOnlySpan<float> labels, Span<float> gradient) =>
        Elementwise.Loss<BinaryCrossEntropyWithLogitsOperator>(logits, labels, gradient);

    /// <summary>Weighted binary cross-entropy on logits: returns Σ wᵢ·ℓᵢ, writes wᵢ·(σ(zᵢ) − yᵢ).</summary>
    public static double BinaryCrossEntropyWithLogits(ReadOnlySpan<float> logits, ReadOnlySpan<float> labels, ReadOnlySpan<float> weights, Span<float> gradient) =>
        Elementwise.WeightedLoss<BinaryCrossEntropyWithLogitsOperator>(logits, labels, weights, gradient);

    /// <summary>Weighted squared error: returns Σ wᵢ·(pᵢ − yᵢ)², writes 2wᵢ(pᵢ − yᵢ).</summary>
    public static double SquaredError(ReadOnlySpan<float> predictions, ReadOnlySpan<float> labels, ReadOnlySpan<float> weights, Span<float> gradient) =>
        Elementwise.WeightedLoss<SquaredErrorOperator>(predictions, labels, weights, gradient);

    /// <summary>Squared error <c>(p − y)²</c>; gradient <c>2(p − y)</c>.</summary>
    public static double SquaredError(ReadOnlySpan<float> predictions, ReadOnlySpan<float> labels, Span<float> gradient) =>
        Elementwise.Loss<SquaredErrorOperator>(predictions, labels, gradient);
}
