using MlNetMtl.Networks;
using MlNetMtl.Training.Checkpoints;

namespace MlNetMtl.Training;

/// <summary>
/// Updates parameters from their gradients, once per mini-batch: <see cref="Begin"/>, then <see cref="Update"/> of every
/// part (at once on several workers, each on the rows <see cref="WorkParts"/> gives it), then <see cref="End"/>. The
/// update of an element reads only that element's (or its row's) gradient and state, so the parts give the bits of one.
/// </summary>
internal interface IOptimizer
{
    /// <summary>Starts a step of size <paramref name="learningRate"/>.</summary>
    void Begin(float learningRate);

    /// <summary>Updates part <paramref name="part"/> of <paramref name="parts"/> of every parameter.</summary>
    void Update(int part, int parts);

    /// <summary>Ends the step: the touched rows of row-sparse gradients are forgotten.</summary>
    void End();

    /// <summary>Writes the optimizer's state (moments, step count) to a checkpoint.</summary>
    void Write(BinaryWriter writer);

    /// <summary>Continues from the state <see cref="Write"/> wrote.</summary>
    /// <exception cref="InvalidDataException">The state is of another run (what does not fit is named).</exception>
    void Read(BinaryReader reader);

    /// <summary>One whole step on this thread.</summary>
    void Step(float learningRate)
    {
        Begin(learningRate);
        Update(0, 1);
        End();
    }
}

/// <summary>
/// Shared plumbing: per-parameter state, and the row-sparse case, where only the rows a sparse batch touched are
/// updated (the others keep their values and optimizer state, as in lazy Adam) and their gradients cleared.
/// </summary>
internal abstract class OptimizerBase : IOptimizer
{
    private readonly IReadOnlyList<Parameter> _parameters;

    protected OptimizerBase(IReadOnlyList<Parameter> parameters) => _parameters = parameters;

    public void Begin(float learningRate) => BeginStep(learningRate);

    public void Update(int part, int parts)
    {
        for (int i = 0; i < _parameters.Count; i++)
        {
            var parameter = _parameters[i];
            var touched = parameter.TouchedRows;
            if (touched is null || touched.Count == 0)
            {
                var (start, length) = WorkParts.Dense(parameter, part, parts);
                if (length > 0)
                    Update(i, parameter, start, parameter.Gradient.AsSpan(start, length));
                continue;
            }
            int width = parameter.Columns;
            var rows = touched.Rows;
            // This part's run of the touched rows; each row's gradient is where TouchedRows says (a replica's, or the parameter's own).
            var (first, count) = WorkParts.Range(part, parts, rows.Length);
            for (int position = first; position < first + count; position++)
            {
                int row = rows[position];
                var gradient = (touched.SourceAt(position) ?? parameter.Gradient).AsSpan(row * width, width);
                Update(i, parameter, row * width, gradient);
                gradient.Clear();
            }
        }
    }

    public void End()
    {
        foreach (var parameter in _parameters)
            parameter.TouchedRows?.Clear();
    }

    public virtual void Write(BinaryWriter writer)
    {
        foreach (var (_, values) in State)
            writer.WriteFloats(values);
    }

    public virtual void Read(BinaryReader reader)
    {
        foreach (var (what, values) in State)
            reader.ReadFloats(values, what);
    }

    /// <summary>The optimizer's per-element (or per-row) state, each array named for the checkpoint's messages.</summary>
    protected abstract IEnumerable<(string What, float[] Values)> State { get; }

    /// <summary>The <paramref name="what"/> of each parameter, named.</summary>
    protected IEnumerable<(string What, float[] Values)> Named(string what, float[][] values) =>
        values.Select((v, i) => ($"{what} of '{_parameters[i].Name}'", v));

    protected virtual void BeginStep(float learningRate) { }

    /// <summary>Updates elements [start, start + gradient.Length) of parameter <paramref name="index"/> (whole rows) from <paramref name="gradient"/>, their gradient.</summary>
    protected abstract void Update(int index, Parameter parameter, int start, ReadOnlySpan<float> gradient);
}
