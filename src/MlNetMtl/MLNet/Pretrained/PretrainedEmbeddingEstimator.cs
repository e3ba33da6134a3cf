using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetMtl.MLNet.Pretrained;

/// <summary>
/// The estimator of <see cref="PretrainedEmbeddingTransformer"/>: nothing is learned (the encoder is pretrained), so
/// <see cref="Fit"/> only checks that each input column holds text (a sentence, or an image's path). Made by
/// <see cref="Text.SentenceEmbeddingCatalog"/>'s <c>EmbedSentences</c> and <see cref="Images.ImageEmbeddingCatalog"/>'s <c>EmbedImages</c>.
/// </summary>
public sealed class PretrainedEmbeddingEstimator : IEstimator<PretrainedEmbeddingTransformer>
{
    private readonly PretrainedEmbeddingTransformer _transformer;

    internal PretrainedEmbeddingEstimator(IPretrainedEncoder encoder, IReadOnlyList<InputOutputColumnPair> columns, EmbeddingCache? cache, string? imageFolder = null) =>
        _transformer = new PretrainedEmbeddingTransformer(encoder, columns, cache, imageFolder);

    /// <summary>The transformer; its input columns must be text.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An input column is missing or not text (it is named).</exception>
    public PretrainedEmbeddingTransformer Fit(IDataView input)
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
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"The column '{pair.InputColumnName}' to embed is not in the data.");
            if (input.ItemType is not TextDataViewType || input.Kind != SchemaShape.Column.VectorKind.Scalar)
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Column '{pair.InputColumnName}' holds {input.ItemType}; {_transformer.Encoder.Name} reads {PretrainedEmbeddingMapping.Reads(_transformer.Encoder)}.");
            columns[pair.OutputColumnName] = OutputShapes.SingleVector(pair.OutputColumnName, _transformer.Encoder.Dimension);
        }
        return new SchemaShape(columns.Values);
    }
}
