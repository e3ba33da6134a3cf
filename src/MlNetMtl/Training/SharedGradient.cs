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
    public Parameter[] Parameters { get; } = parameters.ToArray();

    /// <summary>Length of the flat vector for the current batch.</summary>
    public int Length
    {
        get
        {
            int length = 0;
            foreach (var parameter in Parameters)
                length += parameter.TouchedRows is { Count: > 0 } touched ? touched.Count * parameter.Columns : parameter.Gradient.Length;
            return length;
        }
    }

    /// <summary>Copies the gradients into <paramref name="destination"/>.</summary>
    public void Read(Span<float> destination) => Copy(destination, toGradients: false);

    /// <summary>Writes <paramref name="source"/> back into the gradients.</summary>
    public void Write(Span<float> source) => Copy(source, toGradients: true);

    private void Copy(Span<float> flat, bool toGradients)
    {
        int offset = 0;
        foreach (var parameter in Parameters)
        {
            if (parameter.TouchedRows is { Count: > 0 } touched)
            {
                int width = parameter.Columns;
                foreach (int row in touched.Rows)
                {
                    Move(parameter.Gradient.AsSpan(row * width, width), flat.Slice(offset, width), toGradients);
                    offset += width;
                }
            }
            else
            {
                Move(parameter.Gradient, flat.Slice(offset, parameter.Gradient.Length), toGradients);
                offset += parameter.Gradient.Length;
            }
        }
    }

    private static void Move(Span<float> gradient, Span<float> flat, bool toGradient)
    {
        if (toGradient)
            flat.CopyTo(gradient);
        else
            gradient.CopyTo(flat);
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
}
