using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data;

namespace MlNetMtl.MLNet;

/// <summary>
/// The column access shared by <see cref="MultiTaskCursor"/> and <see cref="MultiTaskRow"/>: input columns pass
/// through to the input row; appended columns are computed from one <see cref="RowScorer"/>.
/// </summary>
internal sealed class AppendedColumns
{
    private readonly MultiTaskMapping _mapping;
    private readonly DataViewRow _input;
    private readonly bool[] _active;
    private readonly RowScorer? _scorer;

    public AppendedColumns(MultiTaskMapping mapping, DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        _mapping = mapping;
        _input = input;
        _active = mapping.ActiveOutputs(activeColumns);
        _scorer = _active.Any(a => a) ? new RowScorer(mapping, input) : null;
    }

    public bool IsColumnActive(DataViewSchema.Column column) =>
        _mapping.IsAppended(column) ? _active[column.Index - _mapping.InputSchema.Count] : _input.IsColumnActive(_input.Schema[column.Index]);

    public ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (!_mapping.IsAppended(column))
            return _input.GetGetter<TValue>(_input.Schema[column.Index]);
        int slot = column.Index - _mapping.InputSchema.Count;
        if (!_active[slot])
            throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was created.");
        var (index, value) = _mapping.Outputs[slot];
        var scorer = _scorer!;
        Delegate getter = value switch
        {
            null => (ValueGetter<float>)((ref float v) => v = scorer.Auxiliary(index)),
            TaskOutputValue.Probability => (ValueGetter<float>)((ref float v) => v = Sigmoid(scorer.Score(index))),
            TaskOutputValue.Decision => (ValueGetter<bool>)((ref bool v) => v = scorer.Score(index) > 0f),
            TaskOutputValue.ClassProbabilities => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> v) =>
            {
                var logits = scorer.Outputs(index);
                var editor = VBufferEditor.Create(ref v, logits.Length);
                Numerics.Softmax.Rows(logits, editor.Values, 1, logits.Length);
                v = editor.Commit();
            }),
            TaskOutputValue.PredictedClass => (ValueGetter<uint>)((ref uint v) => v = (uint)ArgMax(scorer.Outputs(index)) + 1),
            _ => (ValueGetter<float>)((ref float v) => v = scorer.Score(index)),
        };
        return getter as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"Column '{column.Name}' holds {column.Type}; it cannot be read as {typeof(TValue).Name}.");
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best])
                best = i;
        return best;
    }

    private static float Sigmoid(float logit) => logit >= 0 ? 1f / (1f + MathF.Exp(-logit)) : MathF.Exp(logit) / (1f + MathF.Exp(logit));
}
