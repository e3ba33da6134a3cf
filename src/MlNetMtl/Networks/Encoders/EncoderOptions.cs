using MlNetMtl.Settings;

namespace MlNetMtl.Networks.Encoders;

/// <summary>
/// The input encoder under every architecture: the feature slots read directly (<see cref="InputEncoding.OneHot"/>) or as
/// field embeddings with an interaction (<see cref="InputEncoding.Embedding"/>); by default (<see cref="InputEncoding.Auto"/>)
/// embeddings wherever the features have categorical or id fields.
/// </summary>
public sealed record EncoderOptions
{
    /// <summary>How the first layers read the features: OneHot (the slots directly), Embedding (one learned vector per field) or Auto (Embedding when the features have categorical or id fields). Default Auto.</summary>
    [Setting("encoder", Search = ["OneHot", "Embedding"])]
    public InputEncoding Encoding { get; init; } = InputEncoding.Auto;

    /// <summary>These options with <see cref="InputEncoding.Auto"/> decided for features of <paramref name="fields"/> (null: unknown).</summary>
    internal EncoderOptions Resolve(FieldLayout? fields) => Encoding != InputEncoding.Auto ? this
        : this with { Encoding = fields is not null && fields.Fields.Count < fields.Dimension ? InputEncoding.Embedding : InputEncoding.OneHot };

    /// <summary>With Embedding: the size of every field's embedding. Default 16.</summary>
    [Setting("embedding-size", Search = ["8", "16", "32"])]
    public int EmbeddingSize { get; init; } = 16;

    /// <summary>With Embedding: the explicit interaction of the field embeddings, None, FM (factorization-machine second order) or Cross (DCN-v2 cross layers). Default FM.</summary>
    [Setting("interaction", Search = ["None", "FM", "Cross"])]
    public FeatureInteraction Interaction { get; init; } = FeatureInteraction.FM;

    /// <summary>
    /// With Embedding: the L2 rate of the embedding table, applied to the rows a step touches (in place of the training's
    /// weight decay, which the other weights keep): id embeddings overfit within a few epochs without it. Default 0.001.
    /// </summary>
    [Setting("embedding-l2", Search = ["0", "0.0001", "0.001", "0.003"])]
    public float EmbeddingL2 { get; init; } = 1e-3f;

    /// <summary>With Embedding: how a multi-valued field (a bag such as genres or tags) pools its values' rows, Sum or Mean. Default Sum.</summary>
    [Setting("bag-pooling", Search = ["Sum", "Mean"])]
    public BagPooling BagPooling { get; init; } = BagPooling.Sum;

    /// <summary>With Cross: the number of DCN-v2 cross layers. Default 2.</summary>
    [Setting("cross-layers", Search = ["1", "2", "3"])]
    public int CrossLayers { get; init; } = 2;

    /// <summary>
    /// With Cross: the rank r of each cross layer's matrix, W = U·Vᵀ with U, V of width × r (DCN-v2's low-rank form, far fewer
    /// weights for wide inputs); 0 = full rank. Default 0.
    /// </summary>
    [Setting("cross-rank", Search = ["0", "16", "64"])]
    public int CrossRank { get; init; }

    /// <summary>
    /// With Embedding: how the table's rows are updated, by row-wise Adagrad (one accumulator per row) or by the training's
    /// optimizer (lazily, on touched rows). Default RowWiseAdagrad: as good or better than lazy Adam on every data set measured
    /// (benchmarks/README.md), at a third of the optimizer memory.
    /// </summary>
    [Setting("embedding-optimizer", Search = ["RowWiseAdagrad", "Training"])]
    public TableOptimizer TableOptimizer { get; init; } = TableOptimizer.RowWiseAdagrad;

    /// <summary>
    /// With RowWiseAdagrad: the table's step size η (scaled by the training's learning-rate schedule); Adagrad's steps shrink as
    /// its accumulators grow, so η is far above Adam's rate. Default 0.1.
    /// </summary>
    [Setting("adagrad-learning-rate", Search = ["0.03", "0.1", "0.3"])]
    public float AdagradLearningRate { get; init; } = 0.1f;

    /// <summary>The largest embedding size accepted.</summary>
    internal const int MaxEmbeddingSize = 1024;

    internal void Validate()
    {
        if (!Enum.IsDefined(Encoding))
            throw new ArgumentOutOfRangeException(nameof(Encoding), Encoding, "Unknown encoder.");
        if (!Enum.IsDefined(Interaction))
            throw new ArgumentOutOfRangeException(nameof(Interaction), Interaction, "Unknown interaction.");
        if (EmbeddingSize is < 1 or > MaxEmbeddingSize)
            throw new ArgumentOutOfRangeException(nameof(EmbeddingSize), EmbeddingSize, $"EmbeddingSize must be in [1, {MaxEmbeddingSize}].");
        if (!(EmbeddingL2 >= 0 && float.IsFinite(EmbeddingL2)))
            throw new ArgumentOutOfRangeException(nameof(EmbeddingL2), EmbeddingL2, "EmbeddingL2 must be finite and ≥ 0.");
        if (CrossLayers is < 1 or > 16)
            throw new ArgumentOutOfRangeException(nameof(CrossLayers), CrossLayers, "CrossLayers must be in [1, 16].");
        if (CrossRank is < 0 or > MaxEmbeddingSize)
            throw new ArgumentOutOfRangeException(nameof(CrossRank), CrossRank, $"CrossRank must be in [0, {MaxEmbeddingSize}] (0: full rank).");
        if (!Enum.IsDefined(BagPooling))
            throw new ArgumentOutOfRangeException(nameof(BagPooling), BagPooling, "Unknown bag pooling.");
        if (!Enum.IsDefined(TableOptimizer))
            throw new ArgumentOutOfRangeException(nameof(TableOptimizer), TableOptimizer, "Unknown table optimizer.");
        if (!(AdagradLearningRate > 0 && float.IsFinite(AdagradLearningRate)))
            throw new ArgumentOutOfRangeException(nameof(AdagradLearningRate), AdagradLearningRate, "AdagradLearningRate must be finite and > 0.");
    }

    internal void Write(BinaryWriter writer)
    {
        writer.Write((int)Encoding);
        writer.Write(EmbeddingSize);
        writer.Write((int)Interaction);
        writer.Write(CrossLayers);
        writer.Write(EmbeddingL2);
        writer.Write(CrossRank);
        writer.Write((int)TableOptimizer);
        writer.Write(AdagradLearningRate);
        writer.Write((int)BagPooling);
    }

    /// <summary>
    /// Reads what <see cref="Write"/> wrote in network format <paramref name="version"/> (3: without the cross rank and the table
    /// optimizer — such a network was trained with full-rank cross layers and the training's optimizer on its table; 3 and 4:
    /// without the bag pooling, which was Sum).
    /// </summary>
    internal static EncoderOptions Read(BinaryReader reader, int version)
    {
        var options = new EncoderOptions { Encoding = (InputEncoding)reader.ReadInt32(), EmbeddingSize = reader.ReadInt32(), Interaction = (FeatureInteraction)reader.ReadInt32(), CrossLayers = reader.ReadInt32(), EmbeddingL2 = reader.ReadSingle() };
        options = version >= 4
            ? options with { CrossRank = reader.ReadInt32(), TableOptimizer = (TableOptimizer)reader.ReadInt32(), AdagradLearningRate = reader.ReadSingle() }
            : options with { TableOptimizer = TableOptimizer.Training };
        if (version >= 5)
            options = options with { BagPooling = (BagPooling)reader.ReadInt32() };
        try
        {
            options.Validate();
        }
        catch (ArgumentException error)
        {
            throw new InvalidDataException($"The stored input encoder is invalid: {error.Message}", error);
        }
        return options;
    }
}
