namespace MlNetMtl.Benchmarks;

/// <summary>
/// A GEMM of the W-SB network: its form and C[M×N] = op(A)[M×K]·op(B)[K×N]. Forward is A·B; the weight
/// gradient Xᵀ·dY is Aᵀ·B with K = the batch; the input gradient dY·Wᵀ is A·Bᵀ.
/// </summary>
public sealed record GemmShape(string Form, int M, int K, int N)
{
    public double Flops => 2.0 * M * K * N;
    public override string ToString() => $"{Form} {M}x{K}x{N}";
}
