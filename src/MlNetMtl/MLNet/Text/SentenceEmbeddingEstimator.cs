using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetMtl.MLNet.Text;

/// <summary>
/// The estimator of <see cref="SentenceEmbeddingTransformer"/>: nothing is learned (the encoder is pretrained), so
/// <see cref="Fit"/> only checks that each input column holds text. Made by
/// <see cref="SentenceEmbeddingCatalog.EmbedSentences(TransformsCatalog.TextTransforms, string, string?, ITextEncoder, EmbeddingCache?)"/>.
/// </summary>
public sealed class SentenceEmbeddingEstimator : IEstimator<SentenceEmbeddingTransformer>
{
    private readonly SentenceEmbeddingTransformer _transformer;

    internal SentenceEmbeddingEstimator(ITextEncoder encoder, IReadOnlyList<InputOutputColumnPair> columns, EmbeddingCache? cache) =>
        _transformer = new SentenceEmbeddingTransformer(encoder, columns, cache);

    /// <summary>The transformer; its input columns must be text.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An input column is missing or not text (it is named).</exception>
    public SentenceEmbeddingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _ = _transformer.GetOutputSchema(input.Schema);
        return _transformer;
    }

    /// <inheritdoc/>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var columns = inputSchema.ToDictionary(c => c.Name);
        foreach (var pair in _transformer.Columns)
        {
            if (!columns.TryGetValue(pair.InputColumnName, out var input))
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"The text column '{pair.InputColumnName}' to embed is not in the data.");
            if (input.ItemType is not TextDataViewType || input.Kind != SchemaShape.Column.VectorKind.Scalar)
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Column '{pair.InputColumnName}' holds {input.ItemType}; sentence embedding reads text.");
            columns[pair.OutputColumnName] = OutputShapes.SingleVector(pair.OutputColumnName, _transformer.Encoder.Dimension);
        }
        return new SchemaShape(columns.Values);
    }
}
