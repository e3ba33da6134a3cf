using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetMtl.MLNet.Text;

/// <summary>The row-to-row form of the transformer, which <c>PredictionEngine</c> needs: one text at a time, through the cache.</summary>
internal sealed class SentenceEmbeddingRowMapper(SentenceEmbeddingMapping mapping) : IRowToRowMapper
{
    public DataViewSchema InputSchema => mapping.InputSchema;
    public DataViewSchema OutputSchema => mapping.OutputSchema;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns) => mapping.Dependencies(dependingColumns);

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        if (input.Schema != mapping.InputSchema)
            throw new ArgumentException("The row's schema is not the schema this mapper was built for.", nameof(input));
        return new Row(mapping, input, activeColumns.Select(mapping.AppendedIndex).Where(a => a >= 0).ToHashSet());
    }

    private sealed class Row(SentenceEmbeddingMapping mapping, DataViewRow input, HashSet<int> active) : DataViewRow
    {
        public override DataViewSchema Schema => mapping.OutputSchema;
        public override long Position => input.Position;
        public override long Batch => input.Batch;
        public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) =>
            mapping.AppendedIndex(column) is int a and >= 0 ? active.Contains(a) : input.IsColumnActive(mapping.InputSchema[column.Index]);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            int appended = mapping.AppendedIndex(column);
            if (appended < 0)
                return input.GetGetter<TValue>(mapping.InputSchema[column.Index]);
            if (!active.Contains(appended))
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when the row was made.");
            var text = input.GetGetter<ReadOnlyMemory<char>>(mapping.Sources[appended]);
            var transformer = mapping.Transformer;
            int dimension = transformer.Encoder.Dimension;
            var buffer = default(ReadOnlyMemory<char>);
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> value) =>
            {
                var editor = VBufferEditor.Create(ref value, dimension);
                TextVectors.Fill(transformer.Encoder, transformer.Cache, [TextVectors.Read(text, ref buffer)], editor.Values);
                value = editor.Commit();
            };
            return getter as ValueGetter<TValue> ?? throw new InvalidOperationException($"Column '{column.Name}' holds {column.Type}; it cannot be read as {typeof(TValue).Name}.");
        }
    }
}
