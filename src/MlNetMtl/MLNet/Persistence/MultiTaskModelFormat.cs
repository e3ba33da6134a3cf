using System.Security.Cryptography;
using MlNetMtl.Networks;

namespace MlNetMtl.MLNet.Persistence;

/// <summary>
/// Our own versioned payload of a <see cref="MultiTaskTransformer"/> inside an ML.NET model file. Version 4 (written)
/// holds the body — feature column, each task's label column, missing-label value, weight column, positive value and
/// class names, then the network, then the differential-privacy guarantee of a DP-trained model — as a length-prefixed
/// block followed by its SHA-256, so any changed byte is reported as damage before anything is built from it. Version 3
/// (read) is the body without the guarantee; version 2 (read) also lacks those task fields and the whole-body checksum.
/// </summary>
internal static class MultiTaskModelFormat
{
    private const string Magic = "MlNetMtl.MultiTaskTransformer";
    /// <summary>The magic as it appears in the entry's bytes (after its length prefix), to recognise our entry.</summary>
    public static ReadOnlySpan<byte> MagicBytes => "MlNetMtl.MultiTaskTransformer"u8;
    private const int WrittenVersion = 4;
    private const int OldestReadableVersion = 2;
    /// <summary>The largest body a model file may hold (a .NET array's limit).</summary>
    public const long MaxBodyBytes = int.MaxValue - 1024;

    public static void Write(MultiTaskTransformer transformer, BinaryWriter writer)
    {
        // The body is serialized twice — once to measure and hash it, once into the file — rather than held in memory whole.
        using var measure = new MeasuringStream();
        var buffered = new BufferedStream(measure, 1 << 16); // not disposed: that would dispose the hash it feeds
        using (var bodyWriter = new BinaryWriter(buffered, System.Text.Encoding.UTF8, leaveOpen: true))
            WriteBody(transformer, bodyWriter);
        buffered.Flush();
        if (measure.Length > MaxBodyBytes)
            throw new InvalidOperationException($"The model's {measure.Length:N0} bytes are more than a model file holds ({MaxBodyBytes:N0}).");
        writer.Write(Magic);
        writer.Write(WrittenVersion);
        writer.Write(measure.Length);
        writer.Flush();
        using (var bodyWriter = new BinaryWriter(writer.BaseStream, System.Text.Encoding.UTF8, leaveOpen: true))
            WriteBody(transformer, bodyWriter);
        writer.Write(measure.Hash());
    }

    /// <summary>A stream that keeps nothing but the count and the SHA-256 of what is written to it.</summary>
    private sealed class MeasuringStream : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _length;

        public byte[] Hash() => _hash.GetHashAndReset();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.AppendData(buffer);
            _length += buffer.Length;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _hash.Dispose();
            base.Dispose(disposing);
        }
    }

    private static void WriteBody(MultiTaskTransformer transformer, BinaryWriter writer)
    {
        writer.Write(transformer.FeatureColumnName);
        writer.Write(transformer.Tasks.Count);
        foreach (var task in transformer.Tasks)
        {
            writer.Write(task.LabelColumnName);
            writer.Write(task.MissingLabelValue.HasValue);
            writer.Write(task.MissingLabelValue ?? 0f);
            writer.Write(task.WeightColumnName ?? "");
            writer.Write(task.PositiveValue is not null);
            writer.Write(task.PositiveValue ?? "");
            writer.Write(task.ClassNames?.Count ?? -1);
            foreach (string name in task.ClassNames ?? [])
                writer.Write(name);
        }
        NetworkSerializer.Write(transformer.Network, writer);
        writer.Write(transformer.Privacy is not null);
        if (transformer.Privacy is { } privacy)
        {
            writer.Write(privacy.Epsilon);
            writer.Write(privacy.Delta);
            writer.Write(privacy.NoiseMultiplier);
            writer.Write(privacy.SamplingRate);
            writer.Write(privacy.Steps);
            writer.Write(privacy.ClipNorm);
            writer.Write(privacy.Unit);
            writer.Write(privacy.Units);
        }
    }

    /// <exception cref="InvalidDataException">The payload is not ours, of an unknown version, truncated or damaged.</exception>
    public static MultiTaskTransformer Read(BinaryReader reader)
    {
        try
        {
            if (reader.ReadString() != Magic)
                throw new InvalidDataException("The model entry is not an MlNetMtl multi-task transformer, or its first bytes are damaged.");
            int version = reader.ReadInt32();
            if (version < OldestReadableVersion || version > WrittenVersion)
                throw new InvalidDataException($"MlNetMtl model payload version {version} is not supported (this build reads versions {OldestReadableVersion} to {WrittenVersion}); " +
                    "the file was written by another MlNetMtl, or is damaged.");
            if (version == 2)
                return ReadBody(reader, version);
            long length = reader.ReadInt64();
            if (length <= 0 || length > MaxBodyBytes)
                throw new InvalidDataException($"The model's length field ({length:N0} bytes) is damaged.");
            var body = reader.ReadBytes((int)length);
            var stored = reader.ReadBytes(SHA256.HashSizeInBytes);
            if (body.Length != length || stored.Length != SHA256.HashSizeInBytes)
                throw new EndOfStreamException();
            if (!SHA256.HashData(body).AsSpan().SequenceEqual(stored))
                throw new InvalidDataException("The MlNetMtl model data fail their checksum: the model file is damaged.");
            using var bodyReader = new BinaryReader(new MemoryStream(body, writable: false));
            var transformer = ReadBody(bodyReader, version);
            if (bodyReader.BaseStream.Position != body.Length)
                throw new InvalidDataException("The MlNetMtl model data hold bytes after the network: the model file is damaged.");
            return transformer;
        }
        catch (EndOfStreamException error)
        {
            throw new InvalidDataException("The MlNetMtl model data end early: the model file is truncated.", error);
        }
        catch (ArgumentException error)
        {
            throw new InvalidDataException($"The stored model is invalid: {error.Message}", error);
        }
    }

    private static MultiTaskTransformer ReadBody(BinaryReader reader, int version)
    {
        string featureColumn = reader.ReadString();
        int taskCount = reader.ReadInt32();
        if (taskCount <= 0 || taskCount > 10_000)
            throw new InvalidDataException($"The model header is corrupt ({taskCount} tasks).");
        var labels = new (string Column, float? Missing, string Weight, string? Positive, string[]? Classes)[taskCount];
        for (int t = 0; t < taskCount; t++)
        {
            string column = reader.ReadString();
            bool hasMissing = reader.ReadBoolean();
            float missing = reader.ReadSingle();
            string weight = reader.ReadString();
            string? positive = null;
            string[]? classes = null;
            if (version >= 3)
            {
                bool hasPositive = reader.ReadBoolean();
                string positiveValue = reader.ReadString();
                positive = hasPositive ? positiveValue : null;
                int classCount = reader.ReadInt32();
                if (classCount < -1 || classCount > 1_000_000)
                    throw new InvalidDataException($"The model header is corrupt ({classCount} class names).");
                classes = classCount < 0 ? null : Enumerable.Range(0, classCount).Select(_ => reader.ReadString()).ToArray();
            }
            labels[t] = (column, hasMissing ? missing : null, weight, positive, classes);
        }
        var network = NetworkSerializer.Read(reader);
        if (network.Tasks.Count != taskCount)
            throw new InvalidDataException($"The model lists {taskCount} label columns but its network has {network.Tasks.Count} tasks.");
        for (int t = 0; t < taskCount; t++)
            if (labels[t].Classes is { } names && names.Length != network.Tasks[t].ClassCount)
                throw new InvalidDataException($"The model names {names.Length} classes for task '{network.Tasks[t].Name}' but its network has {network.Tasks[t].ClassCount}.");
        var tasks = network.Tasks.Select((task, t) =>
            new TaskColumn(task.Name, labels[t].Column, task.Kind, task.LossWeight, task.MissingLabels, labels[t].Missing, labels[t].Weight,
                labels[t].Classes is null ? task.ClassCount : 0, labels[t].Positive, labels[t].Classes)).ToArray();
        Training.Privacy.PrivacyGuarantee? privacy = null;
        if (version >= 4 && reader.ReadBoolean())
            privacy = new(reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadInt64(), reader.ReadSingle(), reader.ReadString(), reader.ReadInt32());
        return new MultiTaskTransformer(network, featureColumn, tasks, []) { Privacy = privacy };
    }
}
