using Microsoft.ML;
using MlNetMtl.MLNet.Persistence;
using MlNetMtl.MLNet.Pretrained;

namespace MlNetMtl.MLNet.Text;

/// <summary>Sentence embedding in ML.NET's text catalog: <c>mlContext.Transforms.Text.EmbedSentences(...)</c>.</summary>
public static class SentenceEmbeddingCatalog
{
    /// <summary>Appends <paramref name="outputColumnName"/>, the pretrained <paramref name="encoder"/>'s vector of text column <paramref name="inputColumnName"/>.</summary>
    /// <param name="catalog">The text transforms.</param>
    /// <param name="outputColumnName">The vector column appended (<see cref="IPretrainedEncoder.Dimension"/> Singles).</param>
    /// <param name="inputColumnName">The text column; null for the same name as the output.</param>
    /// <param name="encoder">The encoder, e.g. <see cref="TextEncoders.MiniLm"/>.</param>
    /// <param name="cache">The vectors already encoded; null for <see cref="EmbeddingCache.Default"/>.</param>
    public static PretrainedEmbeddingEstimator EmbedSentences(this TransformsCatalog.TextTransforms catalog, string outputColumnName, string? inputColumnName,
        ITextEncoder encoder, EmbeddingCache? cache = null) =>
        catalog.EmbedSentences([new InputOutputColumnPair(outputColumnName, inputColumnName ?? outputColumnName)], encoder, cache);

    /// <summary>Appends each pair's output column, the vector of its input text column; the columns share one encoder and cache.</summary>
    public static PretrainedEmbeddingEstimator EmbedSentences(this TransformsCatalog.TextTransforms catalog, InputOutputColumnPair[] columns, ITextEncoder encoder,
        EmbeddingCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(columns);
        MlNetInternals.Register(catalog); // so mlContext.Model.Load finds the transformer's loader
        return new PretrainedEmbeddingEstimator(encoder, columns, cache);
    }
}
