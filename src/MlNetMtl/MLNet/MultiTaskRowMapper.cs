using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetMtl.MLNet;

/// <summary>The row-to-row form of the transformer, which <c>PredictionEngine</c> needs.</summary>
internal sealed class MultiTaskRowMapper(MultiTaskMapping mapping) : IRowToRowMapper
{
    public DataViewSchema InputSchema => mapping.InputSchema;
    public DataViewSchema OutputSchema => mapping.OutputSchema;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns) =>
        mapping.Dependencies(dependingColumns);

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        if (input.Schema != mapping.InputSchema)
            throw new ArgumentException("The row's schema is not the schema this mapper was built for.", nameof(input));
        return new MultiTaskRow(mapping, input, activeColumns);
    }
}
