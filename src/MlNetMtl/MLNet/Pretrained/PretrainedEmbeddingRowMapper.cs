using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetMtl.MLNet.Pretrained;

/// <summary>The row-to-row form of the transformer, which <c>PredictionEngine</c> needs: one input at a time, through the cache.</summary>
internal sealed class PretrainedEmbeddingRowMapper(PretrainedEmbeddingMapping mapping) : IRowToRowMapper
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

    private sealed class Row(PretrainedEmbeddingMapping mapping, DataViewRow input, HashSet<int> active) : DataViewRow
    {
        public override DataViewSchema Schema => mapping.OutputSchema;
        public override long Position => input.Position;
        public override long Batch => input.Batch;
        public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) => mapping.IsActive(column, input, active.Contains);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => mapping.Getter<TValue>(column, input, active.Contains, appended =>
        {
            var text = input.GetGetter<ReadOnlyMemory<char>>(mapping.Sources[appended]);
            var buffer = default(ReadOnlyMemory<char>);
            return vector => EncodedVectors.Fill(mapping.Transformer, appended, [EncodedVectors.Read(text, ref buffer)], vector);
        });
    }
}
