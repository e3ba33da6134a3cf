using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Networks.Domains;
using MlNetMtl.Networks.Encoders;

namespace MlNetMtl.MLNet;

/// <summary>
/// Finds the domain column's one-hot slots in a feature column, by its field (<see cref="FieldLayouts"/>): the field named
/// like the column, or ending in <c>.column</c> (the featurization's <c>OneHot.tab</c>). Each slot is a domain, named by the
/// part of its slot name after the field's (<c>OneHot.tab.4</c> is domain <c>4</c>).
/// </summary>
internal static class DomainLayouts
{
    /// <exception cref="ArgumentException">The column is not a one-hot field of the features, or has too many values to be domains (the column and the fields are named).</exception>
    public static DomainLayout FromSchema(DataViewSchema schema, string featureColumnName, string domainColumn)
    {
        var layout = FieldLayouts.FromSchema(schema, featureColumnName, InputEncoding.Embedding)!;
        var field = layout.Fields.FirstOrDefault(f => f.Name == domainColumn) ?? layout.Fields.FirstOrDefault(f => f.Name.EndsWith("." + domainColumn, StringComparison.Ordinal));
        if (field is null)
            throw new ArgumentException($"Domain column '{domainColumn}' is not among the fields of feature column '{featureColumnName}' ({string.Join(", ", layout.Fields.Take(12).Select(f => f.Name))}{(layout.Fields.Count > 12 ? ", …" : "")}): " +
                "one-hot encode it into the features (the command line does so for a domain column).", nameof(domainColumn));
        if (field.Kind != FieldKind.Categorical && !(field.Kind == FieldKind.Numeric && IsOneHotSlot(schema, featureColumnName, field)))
            throw new ArgumentException($"Domain column '{domainColumn}' is a {field.Kind.ToString().ToLowerInvariant()} field of the features ('{field.Name}'); a domain column must be one-hot encoded, one slot per domain.", nameof(domainColumn));
        if (field.Length > DomainLayout.MaxDomains)
            throw new ArgumentException($"Domain column '{domainColumn}' has {field.Length} values; a domain column takes at most {DomainLayout.MaxDomains} (scenarios, not ids: a column of ids is a feature).", nameof(domainColumn));
        return new DomainLayout(domainColumn, field.Start, SlotNames(schema, featureColumnName, field));
    }

    /// <summary>A one-slot field is a domain column of a single value only when the slot is named as one-hot (<c>field.value</c>).</summary>
    private static bool IsOneHotSlot(DataViewSchema schema, string featureColumnName, Field field) =>
        SlotNames(schema, featureColumnName, field)[0] != field.Name;

    private static string[] SlotNames(DataViewSchema schema, string featureColumnName, Field field)
    {
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        schema[featureColumnName].GetSlotNames(ref names);
        return Enumerable.Range(field.Start, field.Length).Select(slot =>
        {
            string name = names.GetItemOrDefault(slot).ToString();
            return name.StartsWith(field.Name + ".", StringComparison.Ordinal) ? name[(field.Name.Length + 1)..] : name;
        }).ToArray();
    }
}
