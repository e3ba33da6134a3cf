using System.Runtime.InteropServices;
using System.Security.Cryptography;
using MlNetMtl.Data;
using MlNetMtl.Networks;
using MlNetMtl.Settings;

namespace MlNetMtl.Training.Checkpoints;

/// <summary>
/// What makes a run the run a checkpoint continues: the architecture and every setting of the network, the training and
/// the loss weighting, the processes, and the training (and given validation) data's shape and SHA-256. A checkpoint keeps its run's signature;
/// resuming with another is refused, naming the first difference, since it could not reach the uninterrupted weights.
/// </summary>
internal sealed class RunSignature
{
    private readonly (string Key, string Value)[] _entries;

    private RunSignature((string, string)[] entries) => _entries = entries;

    /// <summary>The signature of training a network of <paramref name="network"/> with <paramref name="options"/> on <paramref name="train"/>.</summary>
    public static RunSignature Of(NetworkOptions network, TrainerOptions options, MultiTaskDataset train, MultiTaskDataset? validation) =>
        new([.. Settings(network, options, train.Tasks), .. Data(train.Rows, train.Features.Dimension, Fingerprint(train), options, validation)]);

    /// <summary>
    /// The signature of training on a stream of <paramref name="rows"/> rows whose SHA-256 is <paramref name="fingerprint"/>
    /// through a shuffle buffer of <paramref name="shuffleBufferRows"/> rows (the buffer's size changes the rows' order).
    /// </summary>
    public static RunSignature OfStream(NetworkOptions network, TrainerOptions options, IReadOnlyList<TaskDefinition> tasks, int dimension, long rows,
        string fingerprint, int shuffleBufferRows, MultiTaskDataset? validation) =>
        new([.. Settings(network, options, tasks), ("shuffle buffer rows", shuffleBufferRows.ToString()), .. Data(rows, dimension, fingerprint, options, validation)]);

    private static List<(string, string)> Settings(NetworkOptions network, TrainerOptions options, IReadOnlyList<TaskDefinition> tasks)
    {
        var entries = new List<(string, string)> { ("architecture", network.Architecture.ToString()) };
        entries.AddRange(Values(network));
        entries.AddRange(Values(options));
        entries.Add(("weighting", options.Weighting.Name));
        entries.AddRange(Values(options.Weighting));
        entries.AddRange(options.Imbalance.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => ($"imbalance of {p.Key}", $"positive weight {(p.Value.AutoPositiveWeight ? "auto" : p.Value.PositiveWeight.ToString("R"))}, " +
                $"focal γ {p.Value.FocalGamma:R} α {p.Value.FocalAlpha?.ToString("R") ?? "none"}, negative rate {p.Value.NegativeSampleRate:R}")));
        entries.Add(("processes", (options.Distributed?.Size ?? 1).ToString()));
        entries.Add(("tasks", string.Join(", ", tasks.Select(t => $"{t.Name} ({t.Kind})"))));
        return entries;
    }

    private static (string, string)[] Data(long rows, int dimension, string fingerprint, TrainerOptions options, MultiTaskDataset? validation) =>
    [
        ("training rows", rows.ToString()),
        ("feature width", dimension.ToString()),
        ("training data (SHA-256)", fingerprint),
        ("validation data (SHA-256)", validation is null ? $"a held-out {options.ValidationFraction:R} of the training rows" : Fingerprint(validation)),
    ];

    private static IEnumerable<(string, string)> Values(object options) =>
        Setting.Of(options.GetType()).Select(s => ("--" + s.Flag, Setting.Format(s.Get(options))));

    /// <summary>SHA-256 of the features, labels and weights, as stored.</summary>
    private static string Fingerprint(MultiTaskDataset data)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        switch (data.Features)
        {
            case DenseFeatures dense:
                hash.AppendData(MemoryMarshal.AsBytes(dense.Values.AsSpan()));
                break;
            case SparseFeatures sparse:
                hash.AppendData(MemoryMarshal.AsBytes(sparse.RowStarts.AsSpan()));
                hash.AppendData(MemoryMarshal.AsBytes(sparse.Indices.AsSpan()));
                hash.AppendData(MemoryMarshal.AsBytes(sparse.Values.AsSpan()));
                break;
        }
        foreach (var labels in data.Labels)
            hash.AppendData(MemoryMarshal.AsBytes(labels.AsSpan()));
        if (data.RowWeights is { } rowWeights)
            hash.AppendData(MemoryMarshal.AsBytes(rowWeights.AsSpan()));
        foreach (var weights in data.TaskWeights)
            if (weights is not null)
                hash.AppendData(MemoryMarshal.AsBytes(weights.AsSpan()));
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write(_entries.Length);
        foreach (var (key, value) in _entries)
        {
            writer.Write(key);
            writer.Write(value);
        }
    }

    public static RunSignature Read(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        if (count is < 0 or > 10_000)
            throw new InvalidDataException($"The checkpoint's list of settings has {count} entries: the file is damaged.");
        var entries = new (string, string)[count];
        for (int i = 0; i < count; i++)
            entries[i] = (reader.ReadString(), reader.ReadString());
        return new RunSignature(entries);
    }

    /// <summary>Throws when <paramref name="saved"/> (a checkpoint's) differs from this run's, naming the first difference.</summary>
    /// <exception cref="ArgumentException">The runs differ.</exception>
    public void CheckResumes(RunSignature saved, string path)
    {
        var mine = _entries.ToDictionary(e => e.Key, e => e.Value);
        var theirs = saved._entries.ToDictionary(e => e.Key, e => e.Value);
        foreach (var (key, value) in saved._entries)
        {
            string? current = mine.GetValueOrDefault(key);
            if (current != value)
                throw new ArgumentException($"Checkpoint '{path}' was saved by a run with {key} {Shown(value)}; this run has {Shown(current)}. " +
                    "Resume with the options and data of that run, or start afresh without resuming (after deleting or moving the checkpoint).");
        }
        foreach (var (key, value) in _entries)
            if (!theirs.ContainsKey(key))
                throw new ArgumentException($"Checkpoint '{path}' was saved by a run without {key}; this run has {Shown(value)}. " +
                    "Resume with the options and data of that run, or start afresh without resuming (after deleting or moving the checkpoint).");
    }

    private static string Shown(string? value) => value is null ? "none" : value.Length == 0 ? "(empty)" : value;
}
