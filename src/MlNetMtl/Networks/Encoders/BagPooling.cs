namespace MlNetMtl.Networks.Encoders;

/// <summary>How the embedding of a multi-valued field (<see cref="FieldKind.Bag"/>) pools its values' rows.</summary>
public enum BagPooling
{
    /// <summary>e_f = Σ_j x_j·T_j: a row with more values has a larger embedding.</summary>
    Sum,
    /// <summary>e_f = Σ_j x_j·T_j / Σ_j x_j: the weighted mean, the same scale however many values a row holds (DeepCTR's and torch-rechub's default).</summary>
    Mean,
}
