using MlNetMtl.Data;

namespace MlNetMtl.Networks;

/// <summary>The architecture of a multi-task network and its sizes; each subclass is one architecture.</summary>
public abstract class NetworkOptions
{
    private protected NetworkOptions() { }

    /// <summary>Probability of zeroing a hidden ReLU unit during training (inverted dropout; never at prediction). In [0, 1). Default 0.</summary>
    public float Dropout { get; init; }

    /// <summary>The architecture's name as saved in model files.</summary>
    internal abstract string Architecture { get; }

    /// <summary>Throws when a size or rate is out of range, naming the option.</summary>
    internal virtual void Validate()
    {
        if (!(Dropout >= 0 && Dropout < 1))
            throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "Dropout must be in [0, 1).");
    }

    /// <summary>Throws when the architecture cannot serve <paramref name="tasks"/> (their number or kinds); any tasks by default.</summary>
    internal virtual void ValidateTasks(IReadOnlyList<TaskDefinition> tasks) { }

    /// <summary>Outputs beyond one per task that the architecture gives for <paramref name="tasks"/>; none by default.</summary>
    internal virtual IReadOnlyList<AuxiliaryOutput> AuxiliaryOutputs(IReadOnlyList<TaskDefinition> tasks) => [];

    /// <summary>Adapts the training data to the architecture (ESMM derives its CTCVR labels); unchanged by default.</summary>
    internal virtual MultiTaskDataset PrepareData(MultiTaskDataset data) => data;

    /// <summary>Builds the layers, weights zero.</summary>
    internal abstract MultiTaskNetwork Build(int inputDimension, IReadOnlyList<TaskDefinition> tasks);

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
        return architecture switch
        {
            SharedBottomOptions.Name => SharedBottomOptions.ReadSizes(reader, dropout),
            MmoeOptions.Name => MmoeOptions.ReadSizes(reader, dropout),
            PleOptions.Name => PleOptions.ReadSizes(reader, dropout),
            EsmmOptions.Name => EsmmOptions.ReadSizes(reader, dropout),
            AitmOptions.Name => AitmOptions.ReadSizes(reader, dropout),
            _ => throw new InvalidDataException($"Unknown network architecture '{architecture}' in the model file."),
        };
    }

    private protected abstract void WriteSizes(BinaryWriter writer);

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
