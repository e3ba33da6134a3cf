using MlNetMtl.Networks;

namespace MlNetMtl.Training;

/// <summary>Updates parameters from their gradients, once per mini-batch.</summary>
internal interface IOptimizer
{
    /// <summary>Applies one update with step size <paramref name="learningRate"/>.</summary>
    void Step(float learningRate);
}

/// <summary>
/// Shared plumbing: per-parameter state, and the row-sparse case, where only the rows a sparse batch touched are
/// updated (the others keep their values and optimizer state, as in lazy Adam) and their gradients cleared.
/// </summary>
internal abstract class OptimizerBase : IOptimizer
{
    private readonly IReadOnlyList<Parameter> _parameters;

    protected OptimizerBase(IReadOnlyList<Parameter> parameters) => _parameters = parameters;

    public void Step(float learningRate)
    {
        BeginStep(learningRate);
        for (int i = 0; i < _parameters.Count; i++)
        {
            var parameter = _parameters[i];
            var touched = parameter.TouchedRows;
            if (touched is null || touched.Count == 0)
            {
                Update(i, parameter, 0, parameter.Value.Length);
                continue;
            }
            int width = parameter.Columns;
            foreach (int row in touched.Rows)
            {
                Update(i, parameter, row * width, width);
                parameter.Gradient.AsSpan(row * width, width).Clear();
            }
            touched.Clear();
        }
    }

    protected virtual void BeginStep(float learningRate) { }

    /// <summary>Updates elements [start, start + length) of parameter <paramref name="index"/>.</summary>
    protected abstract void Update(int index, Parameter parameter, int start, int length);
}
