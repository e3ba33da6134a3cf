using MlNetMtl.Networks;
using MlNetMtl.Numerics;

namespace MlNetMtl.Training;

/// <summary>SGD with momentum and coupled L2 decay on weights (see <see cref="OptimizerKernels.Momentum"/>).</summary>
internal sealed class MomentumOptimizer(IReadOnlyList<Parameter> parameters, TrainerOptions options) : OptimizerBase(parameters)
{
    private readonly float[][] _velocities = parameters.Select(p => new float[p.Value.Length]).ToArray();
    private float _learningRate;

    protected override void BeginStep(float learningRate) => _learningRate = learningRate;

    protected override IEnumerable<(string What, float[] Values)> State => Named("the velocities", _velocities);

    protected override void Update(int index, Parameter parameter, int start, ReadOnlySpan<float> gradient) =>
        OptimizerKernels.Momentum(parameter.Value.AsSpan(start, gradient.Length), gradient,
            _velocities[index].AsSpan(start, gradient.Length), _learningRate, options.Momentum, parameter.DecayRate(options.WeightDecay));
}
