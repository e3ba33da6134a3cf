namespace MlNetMtl.Networks.Encoders;

/// <summary>How the network's first layers see the feature vector.</summary>
public enum InputEncoding
{
    /// <summary>The first dense layer reads the feature slots directly (one-hot and hashed slots, numeric values). The default.</summary>
    OneHot,
    /// <summary>
    /// Each field (a source column of the featurization) becomes an embedding: the sum over its slots of the slot's value times
    /// the slot's learned vector. The fields' embeddings, and their interaction (<see cref="EncoderOptions.Interaction"/>), are
    /// concatenated and fed to the architecture.
    /// </summary>
    Embedding,
}
