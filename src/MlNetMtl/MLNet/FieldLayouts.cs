using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Networks.Encoders;

namespace MlNetMtl.MLNet;

/// <summary>
/// Derives a feature column's <see cref="FieldLayout"/> from its slot names. ML.NET's Concatenate names each slot
/// <c>source.slot</c> (a scalar source just <c>source</c>), and the source columns stay in the data view's schema, so the
/// longest prefix of a slot name that is a column of the schema is its source: a one-hot column (<c>OneHot.city.Paris</c>)
/// is one field; a source that itself concatenates raw columns (<c>Numeric.Standardized.age</c>, where <c>age</c> is a
/// column too) is one field per raw column. Slots without names (a hashed column has none) are split among the schema's
/// unnamed vector columns whose widths add up to the run, in schema order (the order a pipeline makes them); else they are one field.
/// </summary>
internal static class FieldLayouts
{
    /// <summary>The prefix of the featurization's multi-valued columns (<c>Bag.genres</c>), whose fields are <see cref="FieldKind.Bag"/>.</summary>
    public const string BagColumnPrefix = "Bag.";

    /// <summary>
    /// The prefix of the featurization's n-gram text columns (<c>Text.title</c>), whose fields are <see cref="FieldKind.Bag"/>:
    /// a row sets many of their slots. A text column that is the feature vector's only source keeps FeaturizeText's own slot
    /// names (<c>Char.…</c>, <c>Word.…</c>), whose fields are <see cref="NGramFields"/>.
    /// </summary>
    public const string TextColumnPrefix = "Text.";

    /// <summary>The fields of FeaturizeText's slots when nothing prefixes them: its character and its word n-grams.</summary>
    private static readonly string[] NGramFields = ["Char", "Word"];

    /// <summary>
    /// The annotation (a boolean) that marks a column of dense values — a sentence vector — whose field is
    /// <see cref="FieldKind.Vector"/>: one field, its embedding a learned projection of the vector.
    /// </summary>
    public const string DenseVectorAnnotation = "MlNetMtl.DenseVector";

    /// <summary>Feature vectors without slot names of at most this width get one field per slot under Embedding; wider ones one field.</summary>
    private const int MaxUnnamedFields = 1_000;

    /// <summary>The layout; for a column without slot names, null under <see cref="InputEncoding.Auto"/> (unknown: the slots are read directly).</summary>
    public static FieldLayout? FromSchema(DataViewSchema schema, string featureColumnName, InputEncoding encoding)
    {
        var column = schema[featureColumnName];
        int dimension = ((VectorDataViewType)column.Type).Size;
        if (column.Annotations.Schema.GetColumnOrNull("SlotNames") is not { Type: VectorDataViewType { ItemType: TextDataViewType } })
            return encoding == InputEncoding.Auto ? null
                : dimension <= MaxUnnamedFields ? FieldLayout.OnePerSlot(dimension) : new([new Field(featureColumnName, 0, dimension, FieldKind.Bag)]);
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        column.GetSlotNames(ref names);
        var columns = schema.Select(c => c.Name).Where(n => n != featureColumnName).ToHashSet(StringComparer.Ordinal);
        var dense = schema.Where(c => c.Annotations.Schema.GetColumnOrNull(DenseVectorAnnotation) is not null).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var fields = new List<Field>();
        string? current = null;
        int start = 0;
        for (int slot = 0; slot < dimension; slot++)
        {
            string key = Source(names.GetItemOrDefault(slot).ToString(), columns);
            if (slot > 0 && key != current)
            {
                fields.Add(Make(current!, start, slot - start, dense));
                start = slot;
            }
            current = key;
        }
        fields.Add(Make(current!, start, dimension - start, dense));
        return new FieldLayout(fields.SelectMany(f => f.Name.Length == 0 ? SplitUnnamed(schema, featureColumnName, f) : [f]).ToArray());
    }

    /// <summary>A run of unnamed slots as the unnamed columns that fill it exactly, or as one field named after its slots.</summary>
    private static IEnumerable<Field> SplitUnnamed(DataViewSchema schema, string featureColumnName, Field run)
    {
        var unnamed = schema.Where(c => c.Name != featureColumnName && c.Type is VectorDataViewType { Size: > 0 } v && v.ItemType == NumberDataViewType.Single
                && c.Annotations.Schema.GetColumnOrNull("SlotNames") is null)
            .GroupBy(c => c.Name).Select(g => g.Last()).ToArray();
        for (int first = 0; first < unnamed.Length; first++)
        {
            var parts = new List<Field>();
            int start = run.Start;
            for (int c = first; c < unnamed.Length && start < run.Start + run.Length; c++)
            {
                int width = ((VectorDataViewType)unnamed[c].Type).Size;
                parts.Add(new Field(unnamed[c].Name, start, width, FieldKind.Categorical));
                start += width;
            }
            if (start == run.Start + run.Length)
                return parts;
        }
        return [run with { Name = $"slots {run.Start}–{run.Start + run.Length - 1}" }];
    }

    private static Field Make(string name, int start, int length, HashSet<string> dense) =>
        new(name, start, length, dense.Contains(name) ? FieldKind.Vector : IsMultiValued(name) ? FieldKind.Bag : length == 1 ? FieldKind.Numeric : FieldKind.Categorical);

    private static bool IsMultiValued(string field) => field.StartsWith(BagColumnPrefix, StringComparison.Ordinal) || field.StartsWith(TextColumnPrefix, StringComparison.Ordinal)
        || NGramFields.Contains(field, StringComparer.Ordinal);

    /// <summary>The field a slot name belongs to: its source column, with the raw column when the source concatenates several.</summary>
    private static string Source(string slotName, HashSet<string> columns)
    {
        var parts = slotName.Split('.');
        for (int n = parts.Length; n >= 1; n--)
        {
            string prefix = string.Join('.', parts, 0, n);
            if (!columns.Contains(prefix))
                continue;
            return n < parts.Length && columns.Contains(parts[n]) ? prefix + "." + parts[n] : prefix;
        }
        return parts[0];
    }
}
