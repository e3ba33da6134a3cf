using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data;
using MlNetMtl.MLNet.Persistence;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Domains;
using MlNetMtl.Networks.Encoders;

namespace MlNetMtl.MLNet;

/// <summary>
/// Estimates a training run's memory and model size from the feature width and the network's shape before anything
/// large is allocated, and stops a run past the limits with a message that names the widest inputs and the option to change.
/// </summary>
internal static class ResourceCheck
{
    private const double GiB = 1024.0 * 1024 * 1024;
    /// <summary>Inputs named in a message.</summary>
    private const int Widest = 5;

    /// <summary>The default memory limit: 80% of the memory the process may use (physical memory, or the container's limit).</summary>
    public static long DefaultLimitBytes => (long)(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes * 0.8);

    /// <summary>
    /// Parameters of the network for <paramref name="inputWidth"/> input slots: one-hot networks are linear in it (two tiny
    /// builds tell the slope); an embedding network is the network of one slot per field plus a table row per other slot.
    /// <paramref name="domains"/> domains (0 for none) are laid out in the first slots of the tiny builds.
    /// </summary>
    public static long Parameters(NetworkOptions options, IReadOnlyList<TaskDefinition> tasks, int inputWidth, FieldLayout? fields, int domains = 0)
    {
        var domainLayout = domains == 0 ? null : new DomainLayout("domain", 0, Enumerable.Range(0, domains).Select(d => d.ToString(CultureInfo.InvariantCulture)).ToArray());
        long Count(int width, FieldLayout? layout) => MultiTaskNetwork.CreateUninitialized(width, tasks, options, layout, domainLayout).Parameters.Sum(p => (long)p.Rows * p.Columns);
        if (options.Encoder.Resolve(fields).Encoding == InputEncoding.Embedding)
        {
            int fieldCount = Math.Max(fields?.Fields.Count ?? inputWidth, domains);
            return Count(fieldCount, FieldLayout.OnePerSlot(fieldCount)) + (long)(inputWidth - fieldCount) * options.Encoder.EmbeddingSize;
        }
        int smallest = Math.Max(1, domains);
        long one = Count(smallest, null), perSlot = Count(smallest + 1, null) - one;
        return one + perSlot * (inputWidth - (long)smallest);
    }

    /// <summary>Bytes training holds per parameter: weights, gradient, Adam's two moments, the best epoch's copy, and one gradient per extra thread.</summary>
    public static long BytesPerParameter(int threads) => sizeof(float) * (4L + Math.Max(1, threads));

    /// <exception cref="ArgumentException">The model would not fit in a model file, or training would pass <paramref name="limitBytes"/>.</exception>
    public static void Check(DataViewSchema.Column feature, long parameters, int threads, long dataBytes, long limitBytes)
    {
        int width = ((VectorDataViewType)feature.Type).Size;
        long modelBytes = parameters * sizeof(float);
        if (modelBytes > MultiTaskModelFormat.MaxBodyBytes)
            throw new ArgumentException(FormattableString.Invariant(
                $"The model would hold {parameters:N0} parameters ({Size(modelBytes)}); a model file holds at most {Size(MultiTaskModelFormat.MaxBodyBytes)}. ") +
                Remedy(feature, width, "or narrow the first layer"));
        long needed = parameters * BytesPerParameter(threads) + dataBytes;
        if (needed <= limitBytes)
            return;
        string network = FormattableString.Invariant($"{parameters:N0} parameters for {width:N0} input slots ({Size(parameters * BytesPerParameter(threads))} with gradients, optimizer state and {threads} thread(s))");
        string rows = dataBytes > 0 ? $", plus {Size(dataBytes)} of rows" : "";
        throw new ArgumentException($"Training would need about {Size(needed)} — {network}{rows} — over the memory limit of {Size(limitBytes)} " +
            "(MemoryLimitMegabytes; --memory-limit on the command line). " + Remedy(feature, width, "or raise the limit"));
    }

    private static string Remedy(DataViewSchema.Column feature, int width, string alternative)
    {
        // Inputs of one kind (the text columns, say) are summed, so that two hundred narrow columns show as the wide input they are together.
        var families = SlotGroups(feature).GroupBy(g => g.Name.Split('.')[0]).Select(f => (Members: f.OrderByDescending(g => g.Slots).ToArray(), Slots: f.Sum(g => g.Slots)))
            .OrderByDescending(f => f.Slots).Take(Widest).ToArray();
        string Describe((string Name, int Slots)[] members, int slots) => members.Length == 1
            ? FormattableString.Invariant($"'{members[0].Name}' {slots:N0}")
            : FormattableString.Invariant($"'{members[0].Name.Split('.')[0]}.*' {slots:N0} over {members.Length:N0} inputs (the widest '{members[0].Name}' {members[0].Slots:N0})");
        string inputs = families.Length == 0 ? ""
            : FormattableString.Invariant($"The widest inputs of feature column '{feature.Name}' ({width:N0} slots): ") + string.Join(", ", families.Select(f => Describe(f.Members, f.Slots))) + ". ";
        return inputs + $"Give them fewer slots (text: TextFeatures, --text-features; ids: HashBits, --hash-bits), {alternative}.";
    }

    private static string Size(long bytes) =>
        bytes >= GiB ? FormattableString.Invariant($"{bytes / GiB:F1} GiB") : FormattableString.Invariant($"{Math.Max(1, bytes / (1024 * 1024)):N0} MiB");

    /// <summary>
    /// The feature slots grouped by the part of their slot name that names the input: the first two dot-separated
    /// parts ("Text.title" of "Text.title.Word.hello"), or the first of two ("CategoryOneHot" of "CategoryOneHot.red");
    /// slots without a name form one group.
    /// </summary>
    private static IEnumerable<(string Name, int Slots)> SlotGroups(DataViewSchema.Column feature)
    {
        if (feature.Annotations.Schema.GetColumnOrNull("SlotNames") is not { Type: VectorDataViewType { ItemType: TextDataViewType } })
            return [];
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        feature.GetSlotNames(ref names);
        var groups = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in names.DenseValues())
        {
            var parts = name.ToString().Split('.');
            string key = name.Length == 0 ? "(unnamed slots)" : parts.Length <= 2 ? parts[0] : parts[0] + "." + parts[1];
            groups[key] = groups.GetValueOrDefault(key) + 1;
        }
        return groups.Select(g => (g.Key, g.Value));
    }
}
