namespace MlNetMtl.Networks.Architectures;

/// <summary>One-gate mixture of experts (OMoE, the baseline of the MMoE paper): MMoE with one softmax gate that every task shares.</summary>
public sealed class OmoeOptions : MmoeOptions
{
    internal const string ArchitectureName = "OMoE";

    /// <summary>OMoE's options: <see cref="MmoeOptions.SharedGate"/> set.</summary>
    public OmoeOptions() => SharedGate = true;

    /// <summary>The search tries MMoE, of which OMoE is the one-gate case.</summary>
    internal override bool SearchedFor(int tasks, bool chain) => false;
}
