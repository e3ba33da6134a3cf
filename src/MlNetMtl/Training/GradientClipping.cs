using MlNetMtl.Networks;
using MlNetMtl.Numerics;

namespace MlNetMtl.Training;

/// <summary>Global gradient-norm clipping: if ‖g‖₂ over every parameter exceeds the limit, all gradients are scaled by limit/‖g‖₂.</summary>
internal static class GradientClipping
{
    /// <summary>Clips the gradients in place; returns the norm before clipping.</summary>
    public static double Clip(IReadOnlyList<Parameter> parameters, float maxNorm)
    {
        double squared = 0;
        foreach (var parameter in parameters)
            foreach (var (start, length) in Rows(parameter))
            {
                var gradient = parameter.Gradient.AsSpan(start, length);
                squared += VectorOps.Dot(gradient, gradient);
            }
        double norm = Math.Sqrt(squared);
        if (norm > maxNorm)
        {
            float scale = (float)(maxNorm / norm);
            foreach (var parameter in parameters)
                foreach (var (start, length) in Rows(parameter))
                    VectorOps.Scale(scale, parameter.Gradient.AsSpan(start, length));
        }
        return norm;
    }

    /// <summary>The gradient's live ranges: the touched rows of a row-sparse gradient, else all of it.</summary>
    private static IEnumerable<(int Start, int Length)> Rows(Parameter parameter)
    {
        var touched = parameter.TouchedRows;
        if (touched is null || touched.Count == 0)
        {
            yield return (0, parameter.Gradient.Length);
            yield break;
        }
        for (int i = 0; i < touched.Count; i++)
            yield return (touched.Rows[i] * parameter.Columns, parameter.Columns);
    }
}
