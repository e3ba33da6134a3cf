using MlNetMtl.Settings;

namespace MlNetMtl.Networks;

/// <summary>Options of the architectures built of expert MLPs that gates mix: MMoE, OMoE, PLE.</summary>
public abstract class ExpertOptions : NetworkOptions
{
    private protected ExpertOptions() { }

    /// <summary>Widths of each expert's ReLU layers, comma-separated; the last is the width the gates mix. Default 64.</summary>
    [Setting("expert-widths", Search = ["64", "128,64", "256,128"])]
    public int[] ExpertWidths { get; init; } = [64];

    internal override void Validate()
    {
        base.Validate();
        CheckWidths(ExpertWidths, nameof(ExpertWidths), allowEmpty: false);
    }
}
