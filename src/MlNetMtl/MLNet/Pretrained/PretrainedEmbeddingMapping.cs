using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetMtl.MLNet.Pretrained;

/// <summary>The transformer's columns bound to an input schema: which input column feeds each appended vector column.</summary>
internal sealed class PretrainedEmbeddingMapping
{
    public PretrainedEmbeddingMapping(PretrainedEmbeddingTransformer transformer, DataViewSchema inputSchema)
    {
        Transformer = transformer;
        InputSchema = inputSchema;
        Sources = transformer.Columns.Select(pair =>
        {
            var column = inputSchema.GetColumnOrNull(pair.InputColumnName)
                ?? throw new ArgumentOutOfRangeException(nameof(inputSchema), $"The column '{pair.InputColumnName}' to embed is not in the data (its columns: {string.Join(", ", inputSchema.Where(c => !c.IsHidden).Select(c => c.Name))}).");
            if (column.Type is not TextDataViewType)
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Column '{pair.InputColumnName}' holds {column.Type}; {transformer.Encoder.Name} reads {Reads(transformer.Encoder)}.");
            return column;
        }).ToArray();
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        int dimension = transformer.Encoder.Dimension;
        foreach (var pair in transformer.Columns)
        {
            var annotations = new DataViewSchema.Annotations.Builder();
            // Dense values of a bounded scale (unit-length sentences, pooled activations): marked normalized and dense (one
            // vector field), with a name per slot so a concatenation traces them back to this column.
            annotations.Add(IsNormalized, BooleanDataViewType.Instance, (ref bool value) => value = true);
            annotations.Add(FieldLayouts.DenseVectorAnnotation, BooleanDataViewType.Instance, (ref bool value) => value = true);
            annotations.Add(SlotNames, new VectorDataViewType(TextDataViewType.Instance, dimension), (ref VBuffer<ReadOnlyMemory<char>> names) =>
            {
                var editor = VBufferEditor.Create(ref names, dimension);
                for (int i = 0; i < dimension; i++)
                    editor.Values[i] = i.ToString(System.Globalization.CultureInfo.InvariantCulture).AsMemory();
                names = editor.Commit();
            });
            builder.AddColumn(pair.OutputColumnName, new VectorDataViewType(NumberDataViewType.Single, dimension), annotations.ToAnnotations());
        }
        OutputSchema = builder.ToSchema();
    }

    /// <summary>What the encoder's input column holds, for messages.</summary>
    public static string Reads(IPretrainedEncoder encoder) => encoder is Images.IImageEncoder ? "text (image file paths)" : "text";

    /// <summary>ML.NET's annotation names (its constants are internal).</summary>
    public const string IsNormalized = "IsNormalized", SlotNames = "SlotNames";

    public PretrainedEmbeddingTransformer Transformer { get; }
    public DataViewSchema InputSchema { get; }
    public DataViewSchema OutputSchema { get; }
    /// <summary>The input column of each appended column.</summary>
    public DataViewSchema.Column[] Sources { get; }

    /// <summary>Whether an output column is one this transformer appends, and which.</summary>
    public int AppendedIndex(DataViewSchema.Column column) => column.Index >= InputSchema.Count ? column.Index - InputSchema.Count : -1;

    /// <summary>Whether <paramref name="column"/> is active: an appended one when <paramref name="active"/> says so, an input one as <paramref name="input"/> has it.</summary>
    public bool IsActive(DataViewSchema.Column column, DataViewRow input, Func<int, bool> active) =>
        AppendedIndex(column) is int a and >= 0 ? active(a) : input.IsColumnActive(InputSchema[column.Index]);

    /// <summary>
    /// The getter of <paramref name="column"/>: an input column's from <paramref name="input"/>; an appended (active) one's
    /// vector written by the filler that <paramref name="filler"/> gives for its index.
    /// </summary>
    public ValueGetter<TValue> Getter<TValue>(DataViewSchema.Column column, DataViewRow input, Func<int, bool> active, Func<int, SpanAction> filler)
    {
        int appended = AppendedIndex(column);
        if (appended < 0)
            return input.GetGetter<TValue>(InputSchema[column.Index]);
        if (!active(appended))
            throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor or row was made.");
        var fill = filler(appended);
        int dimension = Transformer.Encoder.Dimension;
        ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> value) =>
        {
            var editor = VBufferEditor.Create(ref value, dimension);
            fill(editor.Values);
            value = editor.Commit();
        };
        return getter as ValueGetter<TValue> ?? throw new InvalidOperationException($"Column '{column.Name}' holds {column.Type}; it cannot be read as {typeof(TValue).Name}.");
    }

    /// <summary>Writes an appended column's vector of the current row.</summary>
    public delegate void SpanAction(Span<float> vector);

    /// <summary>The input columns needed for <paramref name="columns"/> of the output.</summary>
    public IEnumerable<DataViewSchema.Column> Dependencies(IEnumerable<DataViewSchema.Column> columns) =>
        columns.Select(c => AppendedIndex(c) is int a and >= 0 ? Sources[a] : InputSchema[c.Index]).Distinct();
}
