using MlNetMtl.Networks;
using MlNetMtl.Numerics;

namespace MlNetMtl.Training;

/// <summary>Adam with bias correction and coupled L2 decay on weights (see <see cref="OptimizerKernels.Adam"/>).</summary>
internal sealed class AdamOptimizer(IReadOnlyList<Parameter> parameters, TrainerOptions options) : OptimizerBase(parameters)
{
    private readonly float[][] _firstMoments = parameters.Select(p => new float[p.Value.Length]).ToArray();
    private readonly float[][] _secondMoments = parameters.Select(p => new float[p.Value.Length]).ToArray();
    private readonly float[] _decayRates = parameters.Select(p => p.DecayRate(options.WeightDecay)).ToArray();
    private readonly AdamStep[] _steps = new AdamStep[parameters.Count];
    private long _step;

    protected override void BeginStep(float learningRate)
    {
        _step++;
        for (int i = 0; i < _steps.Length; i++)
            _steps[i] = new AdamStep(learningRate, options.Beta1, options.Beta2, options.Epsilon, _decayRates[i], _step);
    }

    protected override IEnumerable<(string What, float[] Values)> State =>
        Named("Adam's first moments", _firstMoments).Concat(Named("Adam's second moments", _secondMoments));

    public override void Write(BinaryWriter writer)
    {
        writer.Write(_step);
        base.Write(writer);
    }

    public override void Read(BinaryReader reader)
    {
        _step = reader.ReadInt64();
        base.Read(reader);
    }

    protected override void Update(int index, Parameter parameter, int start, ReadOnlySpan<float> gradient) =>
        OptimizerKernels.Adam(parameter.Value.AsSpan(start, gradient.Length), gradient,
            _firstMoments[index].AsSpan(start, gradient.Length), _secondMoments[index].AsSpan(start, gradient.Length),
            _steps[index]);
}
