using MlNetMtl.Numerics;

namespace MlNetMtl.Networks.Domains;

/// <summary>
/// STAR's partitioned normalisation, per row: <c>z = (γ ⊙ γ_d) ⊙ x̂ + (β + β_d)</c> with <c>x̂ = (x − μ) / √(σ² + ε)</c> over the
/// row's values. The paper normalises with batch statistics per domain; normalising each row keeps the domain-specific scale
/// and shift (the part that is partitioned) while training and serving see the same computation, with no running statistics
/// to keep and no dependence on a batch's domain mix. Rows of no known domain use γ and β alone.
/// </summary>
internal sealed class PartitionedNorm
{
    private const float Epsilon = 1e-5f;

    public PartitionedNorm(string name, int width, int domains)
    {
        Width = width;
        Scale = new Parameter(name + ".scale", 1, width, decays: false);
        Shift = new Parameter(name + ".shift", 1, width, decays: false);
        DomainScales = new Parameter(name + ".domain.scale", domains, width, decays: false);
        DomainShifts = new Parameter(name + ".domain.shift", domains, width, decays: false);
    }

    public int Width { get; }
    public Parameter Scale { get; }
    public Parameter Shift { get; }
    public Parameter DomainScales { get; }
    public Parameter DomainShifts { get; }
    public IEnumerable<Parameter> Parameters => [Scale, Shift, DomainScales, DomainShifts];

    /// <summary>Scales 1, shifts 0: the identity on normalised rows.</summary>
    public void Initialize()
    {
        Array.Fill(Scale.Value, 1f);
        Array.Fill(DomainScales.Value, 1f);
    }

    /// <summary>
    /// Normalises grouped rows of <paramref name="input"/> into <paramref name="output"/>; keeps x̂ and 1/σ per row in
    /// <paramref name="normalized"/> and <paramref name="inverseDeviations"/> for the backward pass.
    /// </summary>
    public void Forward(ReadOnlySpan<float> input, Span<float> output, Span<float> normalized, Span<float> inverseDeviations, DomainGrouping groups,
        Span<float> combinedScale)
    {
        for (int s = 0; s < groups.Segments; s++)
        {
            int start = groups.Start(s), rows = groups.Count(s);
            if (rows == 0)
                continue;
            Combine(s, combinedScale);
            for (int i = start; i < start + rows; i++)
            {
                var x = input.Slice(i * Width, Width);
                var xHat = normalized.Slice(i * Width, Width);
                inverseDeviations[i] = Normalize(x, xHat);
                var z = output.Slice(i * Width, Width);
                VectorOps.Multiply(xHat, combinedScale, z);
                VectorOps.AddScaled(1f, Shift.Value, z);
                if (s > 0)
                    VectorOps.AddScaled(1f, DomainShifts.Value.AsSpan((s - 1) * Width, Width), z);
            }
        }
    }

    /// <summary>γ, or γ ⊙ γ_d for segment <paramref name="segment"/> &gt; 0.</summary>
    private void Combine(int segment, Span<float> combinedScale)
    {
        if (segment == 0)
            Scale.Value.CopyTo(combinedScale);
        else
            VectorOps.Multiply(Scale.Value, DomainScales.Value.AsSpan((segment - 1) * Width, Width), combinedScale);
    }

    /// <summary>x̂ = (x − mean) / √(variance + ε); returns 1 / √(variance + ε).</summary>
    private static float Normalize(ReadOnlySpan<float> x, Span<float> xHat)
    {
        double sum = 0, squares = 0;
        foreach (float v in x)
            sum += v;
        double mean = sum / x.Length;
        foreach (float v in x)
            squares += (v - mean) * (v - mean);
        float inverse = (float)(1 / Math.Sqrt(squares / x.Length + Epsilon));
        for (int j = 0; j < x.Length; j++)
            xHat[j] = (float)((x[j] - mean) * inverse);
        return inverse;
    }

    /// <summary>
    /// Backward pass from dL/dz in <paramref name="outputGradient"/> (grouped rows): writes the parameters' gradients and dL/dx
    /// into <paramref name="inputGradient"/>. <paramref name="scratch"/> holds two rows.
    /// </summary>
    public void Backward(ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> normalized, ReadOnlySpan<float> inverseDeviations, Span<float> inputGradient,
        DomainGrouping groups, Span<float> scratch)
    {
        Array.Clear(Scale.Gradient);
        Array.Clear(Shift.Gradient);
        Array.Clear(DomainScales.Gradient);
        Array.Clear(DomainShifts.Gradient);
        var combinedScale = scratch[..Width];
        var rowGradient = scratch.Slice(Width, Width);
        for (int s = 0; s < groups.Segments; s++)
        {
            int start = groups.Start(s), rows = groups.Count(s);
            if (rows == 0)
                continue;
            Combine(s, combinedScale);
            // g = γ ⊙ γ_d: dg accumulates dz ⊙ x̂ (into the domain's scale gradient, or γ's for the fallback), db Σ dz.
            var scaleGradient = s == 0 ? Scale.Gradient.AsSpan() : DomainScales.Gradient.AsSpan((s - 1) * Width, Width);
            var shiftGradient = s == 0 ? Shift.Gradient.AsSpan() : DomainShifts.Gradient.AsSpan((s - 1) * Width, Width);
            for (int i = start; i < start + rows; i++)
            {
                var dz = outputGradient.Slice(i * Width, Width);
                var xHat = normalized.Slice(i * Width, Width);
                VectorOps.Multiply(dz, xHat, rowGradient);
                VectorOps.AddScaled(1f, rowGradient, scaleGradient);
                VectorOps.AddScaled(1f, dz, shiftGradient);
                // dx̂ = dz ⊙ g; dx = (1/σ)·(dx̂ − mean(dx̂) − x̂·mean(dx̂ ⊙ x̂)).
                VectorOps.Multiply(dz, combinedScale, rowGradient);
                float meanGradient = Sum(rowGradient) / Width;
                float meanProjection = VectorOps.Dot(rowGradient, xHat) / Width;
                var dx = inputGradient.Slice(i * Width, Width);
                for (int j = 0; j < Width; j++)
                    dx[j] = inverseDeviations[i] * (rowGradient[j] - meanGradient - xHat[j] * meanProjection);
            }
            if (s == 0)
                continue;
            // So far the domain's slices hold dL/dg and dL/db; split them between the centre and the domain.
            var domainScale = DomainScales.Value.AsSpan((s - 1) * Width, Width);
            VectorOps.Multiply(scaleGradient, domainScale, rowGradient);
            VectorOps.AddScaled(1f, rowGradient, Scale.Gradient);
            VectorOps.Multiply(scaleGradient, Scale.Value, scaleGradient);
            VectorOps.AddScaled(1f, shiftGradient, Shift.Gradient);
        }
    }

    private static float Sum(ReadOnlySpan<float> values)
    {
        float sum = 0;
        foreach (float v in values)
            sum += v;
        return sum;
    }
}
