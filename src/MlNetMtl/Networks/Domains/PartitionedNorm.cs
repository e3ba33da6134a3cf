using MlNetMtl.Numerics;

namespace MlNetMtl.Networks.Domains;

/// <summary>
/// STAR's partitioned normalisation as a per-domain scale and shift of each input value: <c>z = (γ ⊙ γ_d) ⊙ x + (β + β_d)</c>.
/// The paper normalises with batch statistics per domain; here the featurizer has already standardised every numeric
/// feature over the training rows, so what is kept is the part that is partitioned — each domain's own scale and shift of
/// each input — with training and serving computing the same thing and no dependence on a batch's domain mix.
/// (Normalising each row over its own values instead was measured to lose the rows' scale: on the known-answer
/// multi-domain data it cost STAR 0.02 AUC.) Rows of no known domain use γ and β alone.
/// </summary>
internal sealed class PartitionedNorm
{
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

    /// <summary>Scales 1, shifts 0: the identity.</summary>
    /// <summary>
    /// Writes the inference pass z = x ⊙ γ_s + β + β_s (γ_s = γ ⊙ γ_d, and γ, 0 for the rows of no domain), each row's
    /// factors picked by its one-hot <paramref name="segments"/> ([rows, 1 + domains]).
    /// </summary>
    public string Export(Export.GraphWriter graph, string x, string segments)
    {
        int domains = DomainScales.Rows;
        var scales = new float[(domains + 1) * Width];
        var shifts = new float[(domains + 1) * Width];
        Scale.Value.CopyTo(scales, 0);
        for (int d = 0; d < domains; d++)
        {
            VectorOps.Multiply(Scale.Value, DomainScales.Value.AsSpan(d * Width, Width), scales.AsSpan((d + 1) * Width, Width));
            DomainShifts.Value.AsSpan(d * Width, Width).CopyTo(shifts.AsSpan((d + 1) * Width, Width));
        }
        string scale = graph.MatMul(segments, graph.Constant(Scale.Name + ".segments", scales, domains + 1, Width));
        string shift = graph.MatMul(segments, graph.Constant(DomainShifts.Name + ".segments", shifts, domains + 1, Width));
        return graph.Add(graph.Add(graph.Mul(x, scale), graph.Constant(Shift.Name, Shift.Value, Width)), shift);
    }

    public void Initialize()
    {
        Array.Fill(Scale.Value, 1f);
        Array.Fill(DomainScales.Value, 1f);
    }

    /// <summary>Scales and shifts grouped rows of <paramref name="input"/> into <paramref name="output"/>; <paramref name="combinedScale"/> holds one row.</summary>
    public void Forward(ReadOnlySpan<float> input, Span<float> output, DomainGrouping groups, Span<float> combinedScale)
    {
        for (int s = 0; s < groups.Segments; s++)
        {
            int start = groups.Start(s), rows = groups.Count(s);
            if (rows == 0)
                continue;
            Combine(s, combinedScale);
            for (int i = start; i < start + rows; i++)
            {
                var z = output.Slice(i * Width, Width);
                VectorOps.Multiply(input.Slice(i * Width, Width), combinedScale, z);
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

    /// <summary>
    /// Backward pass from dL/dz in <paramref name="outputGradient"/> (grouped rows, the forward's <paramref name="input"/>):
    /// writes the parameters' gradients and dL/dx into <paramref name="inputGradient"/>. <paramref name="scratch"/> holds two rows.
    /// </summary>
    public void Backward(ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> input, Span<float> inputGradient, DomainGrouping groups, Span<float> scratch)
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
            // g = γ ⊙ γ_d: dg accumulates dz ⊙ x (into the domain's scale gradient, or γ's for the fallback), db Σ dz; dx = dz ⊙ g.
            var scaleGradient = s == 0 ? Scale.Gradient.AsSpan() : DomainScales.Gradient.AsSpan((s - 1) * Width, Width);
            var shiftGradient = s == 0 ? Shift.Gradient.AsSpan() : DomainShifts.Gradient.AsSpan((s - 1) * Width, Width);
            for (int i = start; i < start + rows; i++)
            {
                var dz = outputGradient.Slice(i * Width, Width);
                VectorOps.Multiply(dz, input.Slice(i * Width, Width), rowGradient);
                VectorOps.AddScaled(1f, rowGradient, scaleGradient);
                VectorOps.AddScaled(1f, dz, shiftGradient);
                VectorOps.Multiply(dz, combinedScale, inputGradient.Slice(i * Width, Width));
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
}
