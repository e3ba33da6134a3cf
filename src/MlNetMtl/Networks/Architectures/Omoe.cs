namespace MlNetMtl.Networks.Architectures;

/// <summary>One-gate mixture of experts (OMoE, the baseline of the MMoE paper): MMoE with one softmax gate that every task shares.</summary>
public sealed class OmoeOptions : GateMixtureOptions
{
    /// <inheritdoc/>
    public override string Name => "OMoE";

    internal override bool SharedGate => true;

    /// <summary>The search tries MMoE, of which OMoE is the one-gate case.</summary>
    internal override bool SearchedFor(int tasks, bool chain) => false;
}
