using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Networks;
using MlNetMtl.Numerics;

namespace MlNetMtl.MLNet;

/// <summary>
/// Scores the current row of an input row or cursor at most once per position, only when an appended column is
/// read. One per cursor or row: it holds mutable scratch and is never shared between threads.
/// A row whose features are not all finite scores NaN for every task.
/// </summary>
internal sealed class RowScorer
{
    private readonly MultiTaskMapping _mapping;
    private readonly DataViewRow _input;
    private readonly ValueGetter<VBuffer<float>> _features;
    private readonly float[] _scores;
    private readonly int[] _offsets;
    private readonly int[] _rowStarts = new int[2];
    private VBuffer<float> _buffer;
    private long _position = -1;

    public RowScorer(MultiTaskMapping mapping, DataViewRow input)
    {
        _mapping = mapping;
        _input = input;
        _features = input.GetGetter<VBuffer<float>>(mapping.FeatureColumn);
        _scores = new float[mapping.Network.OutputWidth + mapping.Network.AuxiliaryOutputs.Count];
        _offsets = Enumerable.Range(0, mapping.Network.Tasks.Count).Select(mapping.Network.OutputOffset).ToArray();
    }

    /// <summary>Task <paramref name="task"/>'s score (logit or value) of the current row.</summary>
    public float Score(int task) => Current()[_offsets[task]];

    /// <summary>Task <paramref name="task"/>'s outputs of the current row (k logits for a multiclass task).</summary>
    public ReadOnlySpan<float> Outputs(int task) => Current().Slice(_offsets[task], _mapping.Network.Tasks[task].OutputWidth);

    /// <summary>Auxiliary output <paramref name="index"/> of the current row.</summary>
    public float Auxiliary(int index) => Current()[_mapping.Network.OutputWidth + index];

    private ReadOnlySpan<float> Current()
    {
        if (_position != _input.Position || _position < 0)
            Compute();
        return _scores;
    }

    private void Compute()
    {
        _features(ref _buffer);
        var values = _buffer.GetValues();
        _position = _input.Position;
        _mapping.Transformer.CountForwardPass();
        foreach (float value in values)
        {
            if (!float.IsFinite(value))
            {
                Array.Fill(_scores, float.NaN);
                return;
            }
        }
        int width = _buffer.Length;
        if (_buffer.IsDense)
        {
            _mapping.Network.PredictWithAuxiliary(InputBatch.FromDense(values, 1, width), _scores);
        }
        else
        {
            _rowStarts[1] = values.Length;
            _mapping.Network.PredictWithAuxiliary(InputBatch.FromSparse(new CsrRows(_rowStarts, _buffer.GetIndices(), values, width)), _scores);
        }
    }
}
