namespace MlNetMtl.Networks.Encoders;

/// <summary>What a field of the feature vector holds, as the featurization made it.</summary>
public enum FieldKind
{
    /// <summary>One-hot slots of a categorical or hashed id column: one slot set per row.</summary>
    Categorical,
    /// <summary>Several slots may be set per row: a multi-valued column (e.g. "Action|Comedy") or text n-grams.</summary>
    Bag,
    /// <summary>One numeric slot; its embedding is the value times the field's vector.</summary>
    Numeric,
    /// <summary>A dense vector of several numeric slots (e.g. a pretrained embedding); its embedding is a learned projection of it.</summary>
    Vector,
}

/// <summary>A field: a source column's contiguous slots in the feature vector.</summary>
/// <param name="Name">The source column, e.g. <c>OneHot.workclass</c> or <c>age</c>.</param>
/// <param name="Start">Its first slot.</param>
/// <param name="Length">Its number of slots.</param>
/// <param name="Kind">What the slots hold.</param>
public sealed record Field(string Name, int Start, int Length, FieldKind Kind);

/// <summary>
/// The fields of a feature vector: which slots each source column occupies. The embedding encoder gives each field one
/// embedding (the sum over its slots of value × the slot's vector). The ML.NET trainer derives it from the feature column's
/// slot names (<c>MlNetMtl.MLNet.FieldLayouts</c>); a pipeline whose slots cannot be traced is given one.
/// </summary>
public sealed class FieldLayout
{
    private readonly Field[] _fields;
    private readonly int[] _fieldOfSlot;

    /// <summary>A layout of <paramref name="fields"/>, which must cover slots 0 … dimension − 1 in order, without gaps.</summary>
    /// <exception cref="ArgumentException">The fields overlap, leave a gap, or one is empty (the field is named).</exception>
    public FieldLayout(IReadOnlyList<Field> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (fields.Count == 0)
            throw new ArgumentException("A field layout needs at least one field.", nameof(fields));
        int next = 0;
        foreach (var field in fields)
        {
            if (field.Length <= 0)
                throw new ArgumentException($"Field '{field.Name}' has {field.Length} slots; a field needs at least one.", nameof(fields));
            if (field.Start != next)
                throw new ArgumentException($"Field '{field.Name}' starts at slot {field.Start}; the fields before it end at slot {next}: fields must cover the slots in order, without gaps or overlaps.", nameof(fields));
            next = checked(field.Start + field.Length);
        }
        _fields = fields.ToArray();
        Dimension = next;
        _fieldOfSlot = new int[Dimension];
        for (int f = 0; f < _fields.Length; f++)
            _fieldOfSlot.AsSpan(_fields[f].Start, _fields[f].Length).Fill(f);
    }

    /// <summary>One numeric field per slot (for a small feature vector of unknown origin).</summary>
    public static FieldLayout OnePerSlot(int dimension) =>
        new(Enumerable.Range(0, dimension).Select(i => new Field($"slot {i}", i, 1, FieldKind.Numeric)).ToArray());

    /// <summary>The fields, in slot order.</summary>
    public IReadOnlyList<Field> Fields => _fields;

    /// <summary>The number of slots covered.</summary>
    public int Dimension { get; }

    /// <summary>The field of each slot.</summary>
    internal ReadOnlySpan<int> FieldOfSlot => _fieldOfSlot;

    internal void Write(BinaryWriter writer)
    {
        writer.Write(_fields.Length);
        foreach (var field in _fields)
        {
            writer.Write(field.Name);
            writer.Write(field.Length);
            writer.Write((int)field.Kind);
        }
    }

    internal static FieldLayout Read(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        if (count <= 0 || count > 10_000_000)
            throw new InvalidDataException($"The stored field layout has {count} fields: the model file is corrupted.");
        var fields = new Field[count];
        int start = 0;
        for (int f = 0; f < count; f++)
        {
            string name = reader.ReadString();
            int length = reader.ReadInt32();
            var kind = (FieldKind)reader.ReadInt32();
            if (length <= 0 || !Enum.IsDefined(kind))
                throw new InvalidDataException($"Stored field '{name}' is corrupt ({length} slots, kind {(int)kind}).");
            fields[f] = new Field(name, start, length, kind);
            start = checked(start + length);
        }
        return new FieldLayout(fields);
    }
}
