using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.MLNet.Persistence;

namespace MlNetMtl.MLNet.Text;

/// <summary>
/// Appends, for each text column, its sentence vector from a pretrained <see cref="ITextEncoder"/> (a known-size Single
/// vector, unit length; an empty or missing text gives zeros), lazily and streaming, through an <see cref="EmbeddingCache"/>.
/// Works with <c>PredictionEngine</c>; saves with <c>mlContext.Model.Save</c>, naming its encoder — loading needs the
/// encoder's package and the same <see cref="ITextEncoder.Version"/>.
/// </summary>
public sealed class SentenceEmbeddingTransformer : ITransformer
{
    internal SentenceEmbeddingTransformer(ITextEncoder encoder, IReadOnlyList<InputOutputColumnPair> columns, EmbeddingCache? cache)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        if (columns.Count == 0)
            throw new ArgumentException("Name at least one text column to embed.", nameof(columns));
        Encoder = encoder;
        Columns = columns.ToArray();
        Cache = cache ?? EmbeddingCache.Default;
    }

    /// <summary>The encoder.</summary>
    public ITextEncoder Encoder { get; }
    /// <summary>Each appended vector column with the text column it embeds.</summary>
    public IReadOnlyList<InputOutputColumnPair> Columns { get; }
    /// <summary>Where vectors are looked up before encoding (not saved with the model: a loaded one uses <see cref="EmbeddingCache.Default"/>).</summary>
    public EmbeddingCache Cache { get; }

    /// <inheritdoc/>
    public bool IsRowToRowMapper => true;

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => new SentenceEmbeddingMapping(this, inputSchema).OutputSchema;

    /// <inheritdoc/>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new SentenceEmbeddingRowMapper(new SentenceEmbeddingMapping(this, inputSchema));

    /// <inheritdoc/>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new SentenceEmbeddingDataView(new SentenceEmbeddingMapping(this, input.Schema), input);
    }

    void ICanSaveModel.Save(ModelSaveContext ctx) => MlNetInternals.Save(ctx, MlNetInternals.SentenceEmbeddingSignature, writer => SentenceEmbeddingFormat.Write(this, writer));
}
