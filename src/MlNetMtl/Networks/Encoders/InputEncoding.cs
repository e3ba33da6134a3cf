namespace MlNetMtl.Networks.Encoders;

/// <summary>How the network's first layers see the feature vector.</summary>
public enum InputEncoding
{
    /// <summary>The first dense layer reads the feature slots directly (one-hot and hashed slots, numeric values).</summary>
    OneHot,
    /// <summary>
    /// Each field (a source column of the featurization) becomes an embedding: the sum over its slots of the slot's value times
    /// the slot's learned vector. The fields' embeddings, and their interaction (<see cref="EncoderOptions.Interaction"/>), are
    /// concatenated and fed to the architecture.
    /// </summary>
    Embedding,
    /// <summary>
    /// Embedding when the fields of the features are known and some field holds several slots (a categorical, an id, a bag:
    /// what embeddings are for), otherwise OneHot (all-numeric rows, or a feature vector whose slots cannot be traced). The default.
    /// </summary>
    Auto,
}
