using MlNetMtl.Data;
using MlNetMtl.Networks.Domains;
using MlNetMtl.Networks.Encoders;
using MlNetMtl.Settings;

namespace MlNetMtl.Networks;

/// <summary>
/// The architecture of a multi-task network and its sizes; each subclass is one architecture (one file of
/// <c>Networks/Architectures/</c>), found by reflection: an architecture is added by adding its file, and the command
/// line, the experiment's search and the code generator list it by <see cref="Names"/>.
/// </summary>
public abstract class NetworkOptions
{
    private protected NetworkOptions() { }

    /// <summary>The order of the classic architectures in lists (others follow by name).</summary>
    private static readonly string[] Order = ["SharedBottom", "MMoE", "OMoE", "PLE", "ESMM", "AITM"];

    private static readonly Lazy<NetworkOptions[]> Prototypes = new(() => typeof(NetworkOptions).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(NetworkOptions)) && !t.IsAbstract && t.GetConstructor(Type.EmptyTypes) is not null)
        .Select(t => (NetworkOptions)Activator.CreateInstance(t)!)
        .OrderBy(o => Array.IndexOf(Order, o.Name) is var i and >= 0 ? i : int.MaxValue).ThenBy(o => o.Name, StringComparer.Ordinal)
        .ToArray());

    /// <summary>Every architecture's name: SharedBottom, MMoE, OMoE, PLE, ESMM, AITM.</summary>
    public static IReadOnlyList<string> Names => Prototypes.Value.Select(p => p.Name).ToArray();

    /// <summary>The options types, in the order of <see cref="Names"/>.</summary>
    public static IReadOnlyList<Type> Types => Prototypes.Value.Select(p => p.GetType()).ToArray();

    /// <summary>Default options of the architecture called <paramref name="name"/> (any case).</summary>
    /// <exception cref="ArgumentException">No architecture has that name (the names are listed).</exception>
    public static NetworkOptions Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var prototype = Prototypes.Value.FirstOrDefault(p => p.Name.Equals(name.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Architecture '{name}' is not one of {string.Join(", ", Names)}.", nameof(name));
        return (NetworkOptions)Activator.CreateInstance(prototype.GetType())!;
    }

    /// <summary>Probability of zeroing a hidden unit during training (inverted dropout; never at prediction), in [0, 1). Default 0.</summary>
    [Setting("dropout", Search = ["0", "0.2", "0.5"])]
    public float Dropout { get; init; }

    /// <summary>Widths of each task tower's hidden ReLU layers, comma-separated; a linear output follows (empty: a linear head; AITM: its encoder, whose last width it attends in; PEPNet: the whole per-task network, each layer's input gated). Default 64 (AITM 64,32; PEPNet 128,64).</summary>
    [Setting("tower", Search = ["32", "64", "128,64"])]
    public int[] TowerWidths { get; init; } = [64];

    private EncoderOptions _encoder = new();

    /// <summary>The input encoder under the architecture: the feature slots directly, field embeddings with an interaction, or (the default) embeddings wherever the features have categorical or id fields.</summary>
    [SettingGroup]
    public EncoderOptions Encoder
    {
        get => _encoder;
        init => _encoder = value ?? throw new ArgumentNullException(nameof(Encoder), "Encoder must be given (new EncoderOptions() is the default).");
    }

    /// <summary>A copy with <paramref name="encoder"/> (a loaded model's).</summary>
    internal NetworkOptions WithEncoder(EncoderOptions encoder)
    {
        var copy = Copy();
        copy._encoder = encoder;
        return copy;
    }

    /// <summary>The architecture's name, as <see cref="Create"/> takes it: <c>SharedBottom</c>, <c>MMoE</c>, <c>OMoE</c>, <c>PLE</c>, <c>ESMM</c>, <c>AITM</c>.</summary>
    public virtual string Name => Architecture;

    /// <summary>The architecture's name as saved in model files.</summary>
    internal abstract string Architecture { get; }

    /// <summary>Whether the towers may have no hidden layer (a linear head).</summary>
    private protected virtual bool TowersMayBeEmpty => true;

    /// <summary>A copy, to change settings of (the properties are init-only).</summary>
    public NetworkOptions Copy() => (NetworkOptions)MemberwiseClone();

    /// <summary>Whether the architecture cannot be built without a domain column (the scenario-aware ones). Default false.</summary>
    internal virtual bool NeedsDomains => false;

    /// <summary>Whether the experiment's search tries this architecture for <paramref name="tasks"/> tasks that do (<paramref name="chain"/>) or do not form a funnel. Default: always.</summary>
    internal virtual bool SearchedFor(int tasks, bool chain) => true;

    /// <summary>The loss weightings the search pairs with this architecture; null for every one. Default null.</summary>
    internal virtual IReadOnlyList<string>? SearchedWeightings => null;

    /// <summary>What one task trains alone with, to measure multi-task gain: these options, or for an architecture that needs several tasks a shared bottom of its sizes.</summary>
    internal virtual NetworkOptions SingleTaskCounterpart => this;

    /// <summary>What a model that ignores the domain trains with: these options, or for a scenario-aware architecture a shared bottom of its sizes.</summary>
    internal virtual NetworkOptions DomainBlindCounterpart => this;

    /// <summary>Throws when a size or rate is out of range, naming the option.</summary>
    internal virtual void Validate()
    {
        if (!(Dropout >= 0 && Dropout < 1))
            throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "Dropout must be in [0, 1).");
        CheckWidths(TowerWidths, nameof(TowerWidths), allowEmpty: TowersMayBeEmpty);
        Encoder.Validate();
    }

    /// <summary>Throws when the architecture cannot serve <paramref name="tasks"/> (their number or kinds); any tasks by default.</summary>
    internal virtual void ValidateTasks(IReadOnlyList<TaskDefinition> tasks) { }

    /// <summary>Outputs beyond one per task that the architecture gives for <paramref name="tasks"/>; none by default.</summary>
    internal virtual IReadOnlyList<AuxiliaryOutput> AuxiliaryOutputs(IReadOnlyList<TaskDefinition> tasks) => [];

    /// <summary>Adapts the training data to the architecture (ESMM derives its CTCVR labels); unchanged by default.</summary>
    internal virtual MultiTaskDataset PrepareData(MultiTaskDataset data) => data;

    /// <summary>Builds the layers, weights zero.</summary>
    internal abstract MultiTaskNetwork Build(int inputDimension, IReadOnlyList<TaskDefinition> tasks, DomainLayout? domains);

    /// <summary>Writes the architecture's name and sizes.</summary>
    internal void Write(BinaryWriter writer)
    {
        writer.Write(Architecture);
        writer.Write(Dropout);
        WriteSizes(writer);
    }

    /// <summary>Reads options written by <see cref="Write"/>.</summary>
    internal static NetworkOptions Read(BinaryReader reader)
    {
        string architecture = reader.ReadString();
        float dropout = reader.ReadSingle();
        var prototype = Prototypes.Value.FirstOrDefault(p => p.Architecture == architecture)
            ?? throw new InvalidDataException($"Unknown network architecture '{architecture}' in the model file.");
        return prototype.ReadSizes(reader, dropout);
    }

    private protected abstract void WriteSizes(BinaryWriter writer);

    /// <summary>Reads the sizes <see cref="WriteSizes"/> wrote, as new options of this architecture.</summary>
    internal abstract NetworkOptions ReadSizes(BinaryReader reader, float dropout);

    private protected static void CheckWidths(int[]? widths, string name, bool allowEmpty)
    {
        if (widths is null)
            throw new ArgumentNullException(name, $"{name} must be given.");
        if (widths.Length == 0 && !allowEmpty)
            throw new ArgumentException($"{name} is empty: it needs at least one layer.", name);
        for (int i = 0; i < widths.Length; i++)
            if (widths[i] <= 0)
                throw new ArgumentOutOfRangeException(name, widths[i], $"{name}[{i}] must be positive.");
    }

    private protected static void WriteInts(BinaryWriter writer, int[] values)
    {
        writer.Write(values.Length);
        foreach (int value in values)
            writer.Write(value);
    }

    private protected static int[] ReadInts(BinaryReader reader)
    {
        int length = reader.ReadInt32();
        if (length < 0 || length > 1_000)
            throw new InvalidDataException($"A stored width list has length {length}: the model file is corrupted.");
        var values = new int[length];
        for (int i = 0; i < length; i++)
            values[i] = reader.ReadInt32();
        return values;
    }
}
