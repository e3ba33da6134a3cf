namespace MlNetMtl.Numerics;

/// <summary>
/// The factorization-machine second order over field embeddings, as a vector (NFM's bi-interaction): for F embeddings
/// e_f of size K, out = ½((Σ_f e_f)² − Σ_f e_f²) element-wise = Σ_{f&lt;g} e_f ⊙ e_g, in O(F·K) instead of O(F²·K).
/// A K-float scratch lives on the stack (K is at most the encoder's 1,024).
/// </summary>
internal static class FieldInteractions
{
    /// <summary>One row: <paramref name="sum"/> = Σ_f e_f and <paramref name="output"/> = ½(sum² − Σ_f e_f²), each step one SIMD pass over the K lanes.</summary>
    public static void BiInteraction(ReadOnlySpan<float> embeddings, int size, Span<float> sum, Span<float> output)
    {
        int fields = embeddings.Length / size;
        Span<float> square = stackalloc float[size];
        sum.Clear();
        output.Clear();
        for (int f = 0; f < fields; f++)
        {
            var e = embeddings.Slice(f * size, size);
            VectorOps.AddScaled(1f, e, sum);
            VectorOps.Multiply(e, e, square);
            VectorOps.AddScaled(-1f, square, output);
        }
        VectorOps.Multiply(sum, sum, square);
        VectorOps.AddScaled(1f, square, output);
        VectorOps.Scale(0.5f, output);
    }

    /// <summary>
    /// One row's backward pass: ∂out_d/∂e_fd = sum_d − e_fd, so dE_f += dOut ⊙ (sum − e_f), added to <paramref name="embeddingGradient"/>.
    /// </summary>
    public static void BiInteractionBackward(ReadOnlySpan<float> embeddings, ReadOnlySpan<float> sum, ReadOnlySpan<float> outputGradient, Span<float> embeddingGradient)
    {
        int size = sum.Length, fields = embeddings.Length / size;
        Span<float> term = stackalloc float[size];
        for (int f = 0; f < fields; f++)
        {
            Elementwise.Map<SubtractOperator>(sum, embeddings.Slice(f * size, size), term);
            VectorOps.Multiply(term, outputGradient, term);
            VectorOps.AddScaled(1f, term, embeddingGradient.Slice(f * size, size));
        }
    }
}
