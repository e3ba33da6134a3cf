using MlNetMtl.Networks;
using MlNetMtl.Numerics;

namespace MlNetMtl.Training;

/// <summary>
/// The gradients of a set of parameters as one flat vector, for gradient surgery: row-sparse gradients (a first
/// layer over sparse rows) contribute only their touched rows, in touch order, which is the same for every backward
/// pass over one batch.
/// </summary>
internal sealed class SharedGradient(IReadOnlyList<Parameter> parameters)
{
    public IReadOnlyList<Parameter> Parameters { get; } = parameters;

    /// <summary>Length of the flat vector for the current batch.</summary>
    public int Length => Segments().Sum(s => s.Length);

    /// <summary>Copies the gradients into <paramref name="destination"/>.</summary>
    public void Read(Span<float> destination)
    {
        int offset = 0;
        foreach (var (parameter, start, length) in Segments())
        {
            parameter.Gradient.AsSpan(start, length).CopyTo(destination.Slice(offset, length));
            offset += length;
        }
    }

    /// <summary>Writes <paramref name="source"/> back into the gradients.</summary>
    public void Write(ReadOnlySpan<float> source)
    {
        int offset = 0;
        foreach (var (parameter, start, length) in Segments())
        {
            source.Slice(offset, length).CopyTo(parameter.Gradient.AsSpan(start, length));
            offset += length;
        }
    }

    /// <summary>Zeroes the touched rows of row-sparse gradients and forgets them, so the next backward pass starts clean.</summary>
    public void ResetSparse()
    {
        foreach (var parameter in Parameters)
            if (parameter.TouchedRows is { Count: > 0 } touched)
            {
                foreach (int row in touched.Rows)
                    parameter.Gradient.AsSpan(row * parameter.Columns, parameter.Columns).Clear();
                touched.Clear();
            }
    }

    /// <summary>Squared L2 norm.</summary>
    public static float SquaredNorm(ReadOnlySpan<float> vector) => VectorOps.Dot(vector, vector);

    private IEnumerable<(Parameter Parameter, int Start, int Length)> Segments()
    {
        foreach (var parameter in Parameters)
        {
            if (parameter.TouchedRows is { Count: > 0 } touched)
            {
                for (int i = 0; i < touched.Count; i++)
                    yield return (parameter, touched.Rows[i] * parameter.Columns, parameter.Columns);
            }
            else
            {
                yield return (parameter, 0, parameter.Gradient.Length);
            }
        }
    }
}
