using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.MLNet.Persistence;

namespace MlNetMtl.MLNet.Pretrained;

/// <summary>
/// Appends, for each input column, its vector from a pretrained <see cref="IPretrainedEncoder"/> — a sentence's
/// (<see cref="Text.ITextEncoder"/>) or an image file's (<see cref="Images.IImageEncoder"/>): a known-size Single vector;
/// an empty or missing cell gives zeros. Lazy and streaming, through an <see cref="EmbeddingCache"/>. Works with
/// <c>PredictionEngine</c>; saves with <c>mlContext.Model.Save</c>, naming its encoder — loading needs the encoder's
/// package and the same <see cref="IPretrainedEncoder.Version"/>.
/// </summary>
public sealed class PretrainedEmbeddingTransformer : ITransformer
{
    internal PretrainedEmbeddingTransformer(IPretrainedEncoder encoder, IReadOnlyList<InputOutputColumnPair> columns, EmbeddingCache? cache, string? imageFolder = null)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0)
            throw new ArgumentException("Name at least one column to embed.", nameof(columns));
        if (imageFolder is not null && encoder is not Images.IImageEncoder)
            throw new ArgumentException($"An image folder is for an image encoder; {encoder.Name} reads text.", nameof(imageFolder));
        Encoder = encoder;
        Columns = columns.ToArray();
        Cache = cache ?? EmbeddingCache.Default;
        ImageFolder = imageFolder is null ? null : Path.GetFullPath(imageFolder);
    }

    /// <summary>The encoder.</summary>
    public IPretrainedEncoder Encoder { get; }
    /// <summary>
    /// The folder an image encoder's relative paths are read from (saved with the model, full path), or null for the
    /// current directory; null for a text encoder.
    /// </summary>
    public string? ImageFolder { get; }
    /// <summary>Each appended vector column with the input column it embeds.</summary>
    public IReadOnlyList<InputOutputColumnPair> Columns { get; }
    /// <summary>Where vectors are looked up before encoding (not saved with the model: a loaded one uses <see cref="EmbeddingCache.Default"/>).</summary>
    public EmbeddingCache Cache { get; }

    /// <inheritdoc/>
    public bool IsRowToRowMapper => true;

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => new PretrainedEmbeddingMapping(this, inputSchema).OutputSchema;

    /// <inheritdoc/>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new PretrainedEmbeddingRowMapper(new PretrainedEmbeddingMapping(this, inputSchema));

    /// <inheritdoc/>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new PretrainedEmbeddingDataView(new PretrainedEmbeddingMapping(this, input.Schema), input);
    }

    void ICanSaveModel.Save(ModelSaveContext ctx) => MlNetInternals.Save(ctx, MlNetInternals.SentenceEmbeddingSignature, writer => PretrainedEmbeddingFormat.Write(this, writer));
}
