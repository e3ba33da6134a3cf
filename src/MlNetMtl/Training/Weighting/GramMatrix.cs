using MlNetMtl.Numerics;

namespace MlNetMtl.Training.Weighting;

/// <summary>The Gram matrix Gᵢⱼ = gᵢ·gⱼ of the task vectors, row-major k × k, as MGDA and CAGrad use it.</summary>
internal static class GramMatrix
{
    public static void Compute(TaskVectors vectors, Span<double> gram)
    {
        int k = vectors.Count;
        for (int i = 0; i < k; i++)
            for (int j = i; j < k; j++)
                gram[i * k + j] = gram[j * k + i] = VectorOps.Dot(vectors[i], vectors[j]);
    }

    /// <summary>destination = G·w.</summary>
    public static void Multiply(ReadOnlySpan<double> gram, ReadOnlySpan<double> w, Span<double> destination)
    {
        int k = w.Length;
        for (int i = 0; i < k; i++)
        {
            double sum = 0;
            for (int j = 0; j < k; j++)
                sum += gram[i * k + j] * w[j];
            destination[i] = sum;
        }
    }

    /// <summary>Σᵢ aᵢbᵢ.</summary>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
            sum += a[i] * b[i];
        return sum;
    }
}
