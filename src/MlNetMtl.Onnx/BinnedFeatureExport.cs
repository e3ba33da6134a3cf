using System.Collections.Immutable;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using MlNetMtl.MLNet;
using static Microsoft.ML.Transforms.NormalizingTransformer;

namespace MlNetMtl.Onnx;

/// <summary>
/// The two featurization steps ML.NET's converter refuses that MlNetMtl's numeric features use (<c>NormalizeBinning</c>
/// and the one-hot indicators of its bins): the bin of x is the number of upper bounds below it, its value bin / (bins − 1),
/// and each slot's bin maps to the key the fitted one-hot encoder gave that bin's value — read by passing one value of every
/// bin through the fitted transformers themselves, so the export follows them without reading their internals.
/// </summary>
internal sealed class BinnedFeatureExport(MLContext ml, OnnxGraphWriter writer)
{
    /// <summary>A binned column written by this export: what wrote it, and the tensor of each slot's bin index (float, [rows, slots]).</summary>
    private sealed record Binned(NormalizingTransformer Transformer, string Input, ImmutableArray<float>[] Bounds, string Bins);

    private readonly Dictionary<string, Binned> _binned = new(StringComparer.Ordinal);

    /// <summary>Writes <paramref name="transformer"/> when it is one of the two steps; false leaves it to ML.NET's converter.</summary>
    public bool TryWrite(ITransformer transformer, IDataView data, string[] produced, FeaturizationExport export)
    {
        if (produced.Length != 1 || ml.MultiTask().InputColumns(transformer, data.Schema) is not [var input])
            return false;
        if (transformer is NormalizingTransformer normalizer && normalizer.GetNormalizerModelParameters(0) is BinNormalizerModelParameters<ImmutableArray<float>> bins)
        {
            WriteBins(normalizer, bins, export.Read(input), input, produced[0], export);
            return true;
        }
        if (transformer is OneHotEncodingTransformer && _binned.TryGetValue(input.Name, out var binned) &&
            transformer.GetOutputSchema(data.Schema)[produced[0]].Type is VectorDataViewType { Size: > 0 } indicators)
        {
            WriteIndicators(transformer, binned, indicators.Size, produced[0], export);
            return true;
        }
        return false;
    }

    private void WriteBins(NormalizingTransformer normalizer, BinNormalizerModelParameters<ImmutableArray<float>> bins, string x, DataViewSchema.Column input,
        string output, FeaturizationExport export)
    {
        var bounds = bins.UpperBounds.ToArray();
        int slots = bounds.Length, widest = bounds.Max(b => b.Length);
        // Bounds padded with +∞ to [slots, widest]: bin = Σ_b [bound_b < x].
        var padded = new float[slots * widest];
        Array.Fill(padded, float.PositiveInfinity);
        for (int s = 0; s < slots; s++)
            bounds[s].CopyTo(padded, s * widest);
        string below = writer.Node("Less", "below", [writer.Constant("bin.bounds", padded, slots, widest), writer.Reshape(x, -1, slots, 1)]);
        string binIndex = writer.ReduceSum(writer.Node("Cast", "bin.count", [below], ("to", 1L)), axis: 2, keep: false);
        string value = writer.Div(binIndex, writer.Constant("bin.density", bins.Density.ToArray(), slots));
        if (!bins.Offset.IsDefaultOrEmpty)
            value = writer.Sub(value, writer.Constant("bin.offset", bins.Offset.ToArray(), slots));
        export.Set(output, value);
        _binned[output] = new Binned(normalizer, input.Name, bounds, binIndex);
    }

    private void WriteIndicators(ITransformer encoder, Binned binned, int size, string output, FeaturizationExport export)
    {
        int slots = binned.Bounds.Length, keys = size / slots, widest = binned.Bounds.Max(b => b.Length);
        // Key of (slot, bin), or `keys` (a column dropped after the one-hot) for a bin whose value training never saw.
        var lookup = new long[slots * widest];
        Array.Fill(lookup, keys);
        var indicators = ProbeIndicators(encoder, binned, widest, output);
        for (int bin = 0; bin < widest; bin++)
            for (int s = 0; s < slots; s++)
                if (bin < binned.Bounds[s].Length)
                    for (int k = 0; k < keys; k++)
                        if (indicators[bin][s * keys + k] != 0)
                            lookup[s * widest + bin] = k;
        var offsets = Enumerable.Range(0, slots).Select(s => (long)s * widest).ToArray();
        string index = writer.Add(writer.Node("Cast", "bin.index", [binned.Bins], ("to", 7L)), writer.Int64s("bin.slot.offsets", offsets));
        string key = writer.Node("Gather", "bin.key", [writer.Int64s("bin.keys", lookup), index], ("axis", 0L));
        string oneHot = writer.Node("OneHot", "bin.onehot", [key, writer.Int64s("bin.depth", keys + 1), writer.Constant("bin.onoff", [0f, 1f], 2)], ("axis", -1L));
        string kept = writer.Node("Slice", "bin.kept", [oneHot, writer.Int64s("start", 0), writer.Int64s("end", keys), writer.Int64s("axis", 2)]);
        export.Set(output, writer.Reshape(kept, -1, size));
    }

    /// <summary>The indicators the fitted transformers give, per bin b, a row whose every slot holds a value of bin b (of its last bin where it has fewer).</summary>
    private float[][] ProbeIndicators(ITransformer encoder, Binned binned, int widest, string output)
    {
        int slots = binned.Bounds.Length;
        var rows = Enumerable.Range(0, widest).Select(bin => new ProbeRow
        {
            Values = Enumerable.Range(0, slots).Select(s => Representative(binned.Bounds[s], Math.Min(bin, binned.Bounds[s].Length - 1))).ToArray(),
        }).ToArray();
        var definition = SchemaDefinition.Create(typeof(ProbeRow));
        definition[0].ColumnName = binned.Input;
        definition[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, slots);
        var probe = ml.Data.LoadFromEnumerable(rows, definition);
        var encoded = encoder.Transform(binned.Transformer.Transform(probe));
        return encoded.GetColumn<VBuffer<float>>(encoded.Schema[output]).Select(v => v.DenseValues().ToArray()).ToArray();
    }

    /// <summary>A value inside bin <paramref name="bin"/> of <paramref name="bounds"/> (upper bounds, the last +∞).</summary>
    private static float Representative(ImmutableArray<float> bounds, int bin)
    {
        if (bin == 0)
            return float.IsFinite(bounds[0]) ? bounds[0] - Math.Max(1f, Math.Abs(bounds[0])) : 0f;
        float lower = bounds[bin - 1], upper = bounds[bin];
        return float.IsFinite(upper) ? lower + (upper - lower) / 2 : lower + Math.Max(1f, Math.Abs(lower));
    }

    private sealed class ProbeRow
    {
        public float[] Values { get; set; } = [];
    }
}
