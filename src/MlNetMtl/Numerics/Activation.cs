namespace MlNetMtl.Numerics;

/// <summary>An element-wise activation applied in a kernel's epilogue.</summary>
public enum Activation
{
    /// <summary>No activation: the output is the affine value.</summary>
    Identity,
    /// <summary>max(x, 0).</summary>
    Relu,
}
