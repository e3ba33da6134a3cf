using MlNetMtl.Networks;

namespace MlNetMtl.Training;

/// <summary>A trained network and its training history.</summary>
public sealed class TrainingResult
{
    internal TrainingResult(MultiTaskNetwork network, IReadOnlyList<EpochReport> epochs, int bestEpoch, bool stoppedEarly)
    {
        Network = network;
        Epochs = epochs;
        BestEpoch = bestEpoch;
        StoppedEarly = stoppedEarly;
    }

    /// <summary>The network, holding the best epoch's weights when there was validation, else the last epoch's.</summary>
    public MultiTaskNetwork Network { get; }
    /// <summary>One report per epoch run.</summary>
    public IReadOnlyList<EpochReport> Epochs { get; }
    /// <summary>The 1-based epoch whose weights the network holds.</summary>
    public int BestEpoch { get; }
    /// <summary>True when early stopping ended training before the epoch limit.</summary>
    public bool StoppedEarly { get; }
    /// <summary>With DP-SGD, the (ε, δ) guarantee of the whole run (every step taken, whichever epoch's weights were kept); null otherwise.</summary>
    public Privacy.PrivacyGuarantee? Privacy { get; init; }
}
