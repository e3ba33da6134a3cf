namespace MlNetMtl.Networks;

/// <summary>Options of the architectures whose tasks read one shared bottom MLP: shared-bottom, ESMM, AITM.</summary>
public abstract class BottomOptions : NetworkOptions
{
    private protected BottomOptions() { }

    /// <summary>Widths of the shared bottom's ReLU layers, first to last. Must not be empty. Default [256, 128].</summary>
    public int[] BottomWidths { get; init; } = [256, 128];

    /// <summary>Widths of each tower's hidden ReLU layers; a final linear output follows (AITM: its encoder, see there). Default [64].</summary>
    public int[] TowerWidths { get; init; } = [64];

    /// <summary>Whether the towers may have no hidden layer (a linear head).</summary>
    private protected virtual bool TowersMayBeEmpty => true;

    internal override void Validate()
    {
        base.Validate();
        CheckWidths(BottomWidths, nameof(BottomWidths), allowEmpty: false);
        CheckWidths(TowerWidths, nameof(TowerWidths), allowEmpty: TowersMayBeEmpty);
    }

    private protected override void WriteSizes(BinaryWriter writer)
    {
        WriteInts(writer, BottomWidths);
        WriteInts(writer, TowerWidths);
        WriteMoreSizes(writer);
    }

    /// <summary>Sizes beyond the widths (AITM's calibrator weight).</summary>
    private protected virtual void WriteMoreSizes(BinaryWriter writer) { }
}
