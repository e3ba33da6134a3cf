namespace MlNetMtl.Training;

/// <summary>
/// Weighted focal loss on logits. With p = σ(z): for y = 1, FL = −α(1 − p)^γ·log p and
/// ∂FL/∂z = α(1 − p)^γ·(γ·p·log p − (1 − p)); for y = 0, FL = −(1 − α)p^γ·log(1 − p) and
/// ∂FL/∂z = (1 − α)p^γ·(p − γ(1 − p)·log(1 − p)). γ = 0 with both class weights 1 is cross-entropy.
/// </summary>
internal static class FocalLoss
{
    /// <summary>Returns Σ wᵢ·FLᵢ and writes wᵢ·∂FLᵢ/∂zᵢ.</summary>
    public static double Evaluate(ReadOnlySpan<float> logits, ReadOnlySpan<float> labels, ReadOnlySpan<float> weights, Span<float> gradient, float gamma, float? alpha)
    {
        double positiveWeight = alpha ?? 1, negativeWeight = alpha is { } a ? 1 - a : 1, total = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            double z = logits[i];
            double logP = Math.Min(z, 0) - Math.Log(1 + Math.Exp(-Math.Abs(z)));      // log σ(z)
            double logQ = Math.Min(-z, 0) - Math.Log(1 + Math.Exp(-Math.Abs(z)));     // log σ(−z) = log(1 − p)
            double p = Math.Exp(logP), q = Math.Exp(logQ);
            double loss, derivative;
            if (labels[i] == 1f)
            {
                double focus = Math.Pow(q, gamma);
                loss = -positiveWeight * focus * logP;
                derivative = positiveWeight * focus * (gamma * p * logP - q);
            }
            else
            {
                double focus = Math.Pow(p, gamma);
                loss = -negativeWeight * focus * logQ;
                derivative = negativeWeight * focus * (p - gamma * q * logQ);
            }
            total += weights[i] * loss;
            gradient[i] = (float)(weights[i] * derivative);
        }
        return total;
    }
}
