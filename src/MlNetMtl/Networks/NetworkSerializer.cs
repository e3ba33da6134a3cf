using MlNetMtl.Data;
using MlNetMtl.Networks.Domains;
using MlNetMtl.Networks.Encoders;

namespace MlNetMtl.Networks;

/// <summary>
/// Writes and reads a <see cref="MultiTaskNetwork"/> — architecture, sizes, tasks and every parameter — in a versioned
/// binary format ending with a checksum of the weights, so a truncated or corrupted file is reported, never
/// loaded.
/// </summary>
internal static class NetworkSerializer
{
    /// <summary>
    /// Version 3 adds the input encoder and its field layout after the architecture; version 4 the encoder's cross rank and table
    /// optimizer; version 5 its bag pooling; version 6 the domain layout. Versions 2 (one-hot only) to 5 are still read.
    /// </summary>
    private const int FormatVersion = 6;
    private const int OldestReadableVersion = 2;

    /// <summary>Writes the network.</summary>
    public static void Write(MultiTaskNetwork network, BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(FormatVersion);
        writer.Write(network.InputDimension);
        writer.Write(network.Tasks.Count);
        foreach (var task in network.Tasks)
        {
            writer.Write(task.Name);
            writer.Write(task.Kind.Code);
            writer.Write(task.LossWeight);
            writer.Write((int)task.MissingLabels);
            writer.Write(task.ClassCount);
        }
        network.Options.Write(writer);
        writer.Write(network.Encoder is not null);
        if (network.Encoder is { } encoder)
        {
            encoder.Options.Write(writer);
            encoder.Fields.Write(writer);
        }
        writer.Write(network.Domains is not null);
        network.Domains?.Write(writer);
        var checksum = new Fnv1a();
        writer.Write(network.Parameters.Count);
        foreach (var parameter in network.Parameters)
        {
            writer.Write(parameter.Name);
            writer.Write(parameter.Rows);
            writer.Write(parameter.Columns);
            foreach (float value in parameter.Value)
            {
                writer.Write(value);
                checksum.Add(value);
            }
        }
        writer.Write(checksum.Value);
    }

    /// <summary>Reads a network written by <see cref="Write"/>.</summary>
    /// <exception cref="InvalidDataException">The data are truncated, corrupted, or of an unknown format version.</exception>
    public static MultiTaskNetwork Read(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        try
        {
            int version = reader.ReadInt32();
            if (version < OldestReadableVersion || version > FormatVersion)
                throw new InvalidDataException($"Network format version {version} is not supported (this build reads versions {OldestReadableVersion} to {FormatVersion}).");
            int inputs = reader.ReadInt32();
            int taskCount = reader.ReadInt32();
            if (inputs <= 0 || taskCount <= 0 || taskCount > 10_000)
                throw new InvalidDataException($"Network header is corrupt (input width {inputs}, {taskCount} tasks).");
            var tasks = new TaskDefinition[taskCount];
            for (int t = 0; t < taskCount; t++)
                tasks[t] = new TaskDefinition(reader.ReadString(), TaskKind.FromCode(reader.ReadInt32()), reader.ReadSingle(), (MissingLabelPolicy)reader.ReadInt32(), reader.ReadInt32());
            var options = NetworkOptions.Read(reader);
            FieldLayout? fields = null;
            if (version >= 3 && reader.ReadBoolean())
            {
                options = options.WithEncoder(EncoderOptions.Read(reader, version));
                fields = FieldLayout.Read(reader);
            }
            var domains = version >= 6 && reader.ReadBoolean() ? DomainLayout.Read(reader) : null;
            var network = MultiTaskNetwork.CreateUninitialized(inputs, tasks, options, fields, domains);

            int count = reader.ReadInt32();
            if (count != network.Parameters.Count)
                throw new InvalidDataException($"The network has {count} parameters stored; its shape needs {network.Parameters.Count}.");
            var checksum = new Fnv1a();
            foreach (var parameter in network.Parameters)
            {
                string name = reader.ReadString();
                int rows = reader.ReadInt32(), columns = reader.ReadInt32();
                if (name != parameter.Name || rows != parameter.Rows || columns != parameter.Columns)
                    throw new InvalidDataException($"Stored parameter '{name}' [{rows}×{columns}] does not match '{parameter.Name}' [{parameter.Rows}×{parameter.Columns}].");
                var values = parameter.Value;
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = reader.ReadSingle();
                    checksum.Add(values[i]);
                }
            }
            if (reader.ReadUInt64() != checksum.Value)
                throw new InvalidDataException("The network's weights fail their checksum: the model file is corrupted.");
            return network;
        }
        catch (EndOfStreamException error)
        {
            throw new InvalidDataException("The network data end early: the model file is truncated.", error);
        }
        catch (ArgumentException error)
        {
            throw new InvalidDataException($"The stored network is invalid: {error.Message}", error);
        }
    }

    /// <summary>64-bit FNV-1a over the bit patterns of the weights.</summary>
    private struct Fnv1a()
    {
        public ulong Value { get; private set; } = 14695981039346656037UL;

        public void Add(float value)
        {
            uint bits = BitConverter.SingleToUInt32Bits(value);
            for (int b = 0; b < 4; b++, bits >>= 8)
                Value = (Value ^ (bits & 0xFF)) * 1099511628211UL;
        }
    }
}
