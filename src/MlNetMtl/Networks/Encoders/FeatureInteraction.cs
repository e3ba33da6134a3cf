namespace MlNetMtl.Networks.Encoders;

/// <summary>An explicit interaction of the field embeddings, shared by the tasks, appended to what the architecture reads.</summary>
public enum FeatureInteraction
{
    /// <summary>The field embeddings alone.</summary>
    None,
    /// <summary>
    /// Factorization-machine second order as a vector (the bi-interaction of NFM): ½((Σ_f e_f)² − Σ_f e_f²) element-wise,
    /// i.e. Σ_{f&lt;g} e_f ⊙ e_g in O(fields × size), so a user × item affinity is one term the layers above only have to read.
    /// </summary>
    FM,
    /// <summary>
    /// DCN-v2 cross layers (<see cref="EncoderOptions.CrossLayers"/>, full rank or of <see cref="EncoderOptions.CrossRank"/>) over the concatenated field embeddings x₀:
    /// x_{l+1} = x₀ ⊙ (x_l·W_l + b_l) + x_l; the architecture reads the last x.
    /// </summary>
    Cross,
}
