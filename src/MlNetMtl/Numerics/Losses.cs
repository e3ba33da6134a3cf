namespace MlNetMtl.Numerics;

/// <summary>Per-element losses: each returns the sum of the losses and writes d(loss)/d(prediction) per element.</summary>
internal static class Losses
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

    /// <summary>
    /// Weighted softmax cross-entropy over <paramref name="rows"/> rows of <paramref name="classes"/> logits: returns
    /// Σᵣ wᵣ·(logΣⱼ exp zᵣⱼ − zᵣ,yᵣ) and writes wᵣ·(softmax(zᵣ) − onehot(yᵣ)); labels are class indices.
    /// </summary>
    public static double SoftmaxCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<float> labels, ReadOnlySpan<float> weights, Span<float> gradient, int rows, int classes)
    {
        if (labels.Length < rows || weights.Length < rows)
            throw new ArgumentException($"Softmax cross-entropy over {rows} rows needs {rows} labels ({labels.Length}) and weights ({weights.Length}).");
        Softmax.Rows(logits, gradient, rows, classes);
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            var row = gradient.Slice(r * classes, classes);
            int label = (int)labels[r];
            if ((uint)label >= (uint)classes)
                throw new ArgumentOutOfRangeException(nameof(labels), labels[r], $"Row {r}: class {labels[r]} is outside [0, {classes}).");
            float probability = row[label];
            double loss = probability > 1e-30f ? -Math.Log(probability) : LogSumExpMinus(logits.Slice(r * classes, classes), label);
            total += weights[r] * loss;
            row[label] -= 1f;
            VectorOps.Scale(weights[r], row);
        }
        return total;
    }

    /// <summary>log Σⱼ exp zⱼ − z_label, in double, for a probability too small for float.</summary>
    private static double LogSumExpMinus(ReadOnlySpan<float> logits, int label)
    {
        double max = double.NegativeInfinity, sum = 0;
        foreach (float z in logits)
            max = Math.Max(max, z);
        foreach (float z in logits)
            sum += Math.Exp(z - max);
        return max + Math.Log(sum) - logits[label];
    }

    /// <summary>Squared error <c>(p − y)²</c>; gradient <c>2(p − y)</c>.</summary>
    public static double SquaredError(ReadOnlySpan<float> predictions, ReadOnlySpan<float> labels, Span<float> gradient) =>
        Elementwise.Loss<SquaredErrorOperator>(predictions, labels, gradient);
}
