namespace MlNetMtl.Networks;

/// <summary>
/// The architectures, by name: every concrete <see cref="NetworkOptions"/> of this library, found by reflection, so an
/// architecture is added by adding its options (and network) and nothing else. The command line, the experiment's
/// search and the code generator list and create architectures here.
/// </summary>
public static class Architectures
{
    /// <summary>The order of the classic architectures in lists (others follow by name).</summary>
    private static readonly List<string> Order = ["SharedBottom", "MMoE", "OMoE", "PLE", "ESMM", "AITM"];

    private static readonly NetworkOptions[] Prototypes = typeof(NetworkOptions).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(NetworkOptions)) && !t.IsAbstract && t.GetConstructor(Type.EmptyTypes) is not null)
        .Select(t => (NetworkOptions)Activator.CreateInstance(t)!)
        .OrderBy(o => Order.IndexOf(o.Name) is var i and >= 0 ? i : int.MaxValue).ThenBy(o => o.Name, StringComparer.Ordinal)
        .ToArray();

    /// <summary>Every architecture's name.</summary>
    public static IReadOnlyList<string> Names { get; } = Prototypes.Select(p => p.Name).ToArray();

    /// <summary>The options types, one per architecture name.</summary>
    public static IReadOnlyList<Type> Types { get; } = Prototypes.Select(p => p.GetType()).ToArray();

    /// <summary>Default options of the architecture called <paramref name="name"/> (any case).</summary>
    /// <exception cref="ArgumentException">No architecture has that name (the names are listed).</exception>
    public static NetworkOptions Create(string name) =>
        Prototypes.FirstOrDefault(p => p.Name.Equals(name?.Trim(), StringComparison.OrdinalIgnoreCase))?.Copy()
        ?? throw new ArgumentException($"Architecture '{name}' is not one of {string.Join(", ", Names)}.", nameof(name));

    /// <summary>Reads the sizes of an architecture saved under <paramref name="savedName"/>.</summary>
    internal static NetworkOptions ReadSizes(string savedName, BinaryReader reader, float dropout) =>
        (Prototypes.FirstOrDefault(p => p.Architecture == savedName) ?? throw new InvalidDataException($"Unknown network architecture '{savedName}' in the model file."))
            .ReadSizes(reader, dropout);
}
