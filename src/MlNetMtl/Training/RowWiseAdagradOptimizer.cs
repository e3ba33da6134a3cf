using MlNetMtl.Networks;
using MlNetMtl.Numerics;

namespace MlNetMtl.Training;

/// <summary>
/// Row-wise Adagrad (<see cref="OptimizerKernels.RowWiseAdagrad"/>) for the parameters that ask for it (<see cref="Parameter.RowWiseAdagradRate"/>):
/// one accumulator per row, updated lazily on the rows a step touched. The learning-rate schedule scales each parameter's
/// own rate as it scales the training's.
/// </summary>
internal sealed class RowWiseAdagradOptimizer(IReadOnlyList<Parameter> parameters, TrainerOptions options) : OptimizerBase(parameters)
{
    private const float Epsilon = 1e-8f;
    private readonly float[][] _accumulators = parameters.Select(p => new float[p.Rows]).ToArray();
    private readonly float[] _decayRates = parameters.Select(p => p.DecayRate(options.WeightDecay)).ToArray();
    private float _scheduleFactor;

    protected override void BeginStep(float learningRate) => _scheduleFactor = learningRate / options.LearningRate;

    protected override IEnumerable<(string What, float[] Values)> State => Named("the row-wise Adagrad accumulators", _accumulators);

    protected override void Update(int index, Parameter parameter, int start, ReadOnlySpan<float> gradient)
    {
        float rate = parameter.RowWiseAdagradRate!.Value * _scheduleFactor;
        int width = parameter.Columns, first = start / width;
        var accumulators = _accumulators[index];
        for (int row = first, end = first + gradient.Length / width; row < end; row++)
            OptimizerKernels.RowWiseAdagrad(parameter.Value.AsSpan(row * width, width), gradient.Slice((row - first) * width, width),
                ref accumulators[row], rate, Epsilon, _decayRates[index]);
    }
}
