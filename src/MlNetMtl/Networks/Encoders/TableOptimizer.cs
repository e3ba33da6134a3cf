namespace MlNetMtl.Networks.Encoders;

/// <summary>How the embedding table's rows are updated.</summary>
public enum TableOptimizer
{
    /// <summary>The training's optimizer (Adam or SGD with momentum), applied lazily to the rows a step touched, with its state per element.</summary>
    Training,
    /// <summary>
    /// Row-wise Adagrad (as TorchRec and FBGEMM train large tables): one accumulator per row, s += mean(g²), w −= η·g / (√s + ε),
    /// so the table's optimizer state is one float per row instead of Adam's two per element (a third of the memory a step streams).
    /// </summary>
    RowWiseAdagrad,
}
