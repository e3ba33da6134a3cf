namespace MlNetMtl.Networks;

/// <summary>The shape of a shared-bottom network: a shared MLP, then one tower MLP per task ending in one output.</summary>
public sealed class SharedBottomOptions
{
    /// <summary>Widths of the shared bottom's ReLU layers, first to last. Must not be empty. Default [256, 128].</summary>
    public int[] BottomWidths { get; init; } = [256, 128];

    /// <summary>Widths of each tower's hidden ReLU layers; a final linear layer of width 1 follows. May be empty (a linear head). Default [64].</summary>
    public int[] TowerWidths { get; init; } = [64];

    /// <summary>Probability of zeroing a hidden unit during training (inverted dropout; never at prediction). In [0, 1). Default 0.</summary>
    public float Dropout { get; init; }

    /// <summary>Throws when a width or the dropout rate is out of range, naming it.</summary>
    internal void Validate()
    {
        if (BottomWidths is null || BottomWidths.Length == 0)
            throw new ArgumentException("BottomWidths is empty: the shared bottom needs at least one layer.", nameof(BottomWidths));
        if (TowerWidths is null)
            throw new ArgumentNullException(nameof(TowerWidths), "TowerWidths must be given (an empty array means a linear head).");
        for (int i = 0; i < BottomWidths.Length; i++)
            if (BottomWidths[i] <= 0)
                throw new ArgumentOutOfRangeException(nameof(BottomWidths), BottomWidths[i], $"BottomWidths[{i}] must be positive.");
        for (int i = 0; i < TowerWidths.Length; i++)
            if (TowerWidths[i] <= 0)
                throw new ArgumentOutOfRangeException(nameof(TowerWidths), TowerWidths[i], $"TowerWidths[{i}] must be positive.");
        if (!(Dropout >= 0 && Dropout < 1))
            throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "Dropout must be in [0, 1).");
    }
}
