using MlNetMtl.Networks.Architectures;
using MlNetMtl.Settings;

namespace MlNetMtl.Networks;

/// <summary>Options of the architectures whose tasks read one shared bottom MLP: shared-bottom, ESMM, AITM.</summary>
public abstract class BottomOptions : NetworkOptions
{
    private protected BottomOptions() { }

    /// <summary>Widths of the shared bottom's ReLU layers, first to last, comma-separated. Default 256,128.</summary>
    [Setting("bottom", Search = ["128", "256,128", "512,256", "256,128,64"])]
    public int[] BottomWidths { get; init; } = [256, 128];

    internal override void Validate()
    {
        base.Validate();
        CheckWidths(BottomWidths, nameof(BottomWidths), allowEmpty: false);
    }

    /// <summary>A shared bottom of these sizes and input encoder (the single-task counterpart of ESMM and AITM, the domain-blind one of STAR).</summary>
    private protected NetworkOptions SharedBottomOfTheSameSizes => new SharedBottomOptions { BottomWidths = BottomWidths, TowerWidths = TowerWidths, Dropout = Dropout, Encoder = Encoder };

    private protected override void WriteSizes(BinaryWriter writer)
    {
        WriteInts(writer, BottomWidths);
        WriteInts(writer, TowerWidths);
        WriteMoreSizes(writer);
    }

    /// <summary>Sizes beyond the widths (AITM's calibrator weight).</summary>
    private protected virtual void WriteMoreSizes(BinaryWriter writer) { }
}
