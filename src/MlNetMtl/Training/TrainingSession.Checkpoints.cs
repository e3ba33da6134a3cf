using MlNetMtl.IO;
using MlNetMtl.Training.Checkpoints;

namespace MlNetMtl.Training;

/// <summary>
/// A training session's checkpoints: everything a later step reads — weights, optimizer and weighting state, the epoch's
/// row order and position, every random generator (each worker's or process's dropout generator too), the epochs'
/// reports and the best epoch's weights — so that a resumed run takes the uninterrupted run's steps to the bit.
/// </summary>
internal sealed partial class TrainingSession
{
    /// <summary>The file's first bytes.</summary>
    private static ReadOnlySpan<byte> Magic => "MlNetMtl checkpoint\n"u8;
    private const int FormatVersion = 1;

    /// <summary>Writes a checkpoint after a step of <paramref name="epoch"/> (with several processes, rank 0 writes; each sends it its dropout generator).</summary>
    private void WriteCheckpoint(int epoch)
    {
        var generators = DropoutGenerators();
        if (_distributed is { Communicator.Rank: > 0 })
            return;
        AtomicFile.Write(_checkpoint!.Options.Path, (Stream stream) =>
        {
            using var writer = new BinaryWriter(stream);
            writer.Write(Magic);
            writer.Write(FormatVersion);
            _checkpoint.Signature.Write(writer);
            writer.Write(epoch);
            writer.Write(_step);
            _totals.Write(writer);
            writer.Write(_reports.Count);
            foreach (var report in _reports)
                Write(writer, report);
            writer.Write(_bestLoss);
            writer.Write(_bestEpoch);
            writer.Write(_sinceBest);
            writer.Write(_best is not null);
            foreach (var values in _best ?? [])
                writer.WriteFloats(values);
            writer.WriteDoubles(_validationMeans);
            foreach (var parameter in _network.Parameters)
                writer.WriteFloats(parameter.Value);
            _optimizer.Write(writer);
            _weighting.Write(writer);
            _epochs.Write(writer);
            _random.Write(writer);
            writer.Write(generators.Length);
            foreach (var generator in generators)
            {
                writer.Write(generator.Length);
                writer.Write(generator);
            }
        });
    }

    /// <summary>Restores the state of the checkpoint the options name; returns the epoch it was taken in.</summary>
    /// <exception cref="ArgumentException">The checkpoint is of another run (the first difference is named).</exception>
    /// <exception cref="InvalidDataException">The file is not a checkpoint, or is damaged.</exception>
    private int ReadCheckpoint(CancellationToken cancellationToken)
    {
        string path = _checkpoint!.Options.Path;
        try
        {
            using var stream = OpenCheckpoint(path);
            using var reader = new BinaryReader(stream);
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
                throw new InvalidDataException("it is not an MlNetMtl checkpoint.");
            int version = reader.ReadInt32();
            if (version != FormatVersion)
                throw new InvalidDataException($"it is of format version {version}; this MlNetMtl reads version {FormatVersion}.");
            _checkpoint.Signature.CheckResumes(RunSignature.Read(reader), path);
            int epoch = reader.ReadInt32();
            _step = reader.ReadInt64();
            if (epoch < 1 || epoch > _options.Epochs || _step < 1)
                throw new InvalidDataException($"it was taken at epoch {epoch}, step {_step}, which this run of {_options.Epochs} epochs does not have.");
            _totals.Read(reader);
            int reports = reader.ReadInt32();
            if (reports != epoch - 1)
                throw new InvalidDataException($"it holds {reports} epoch reports, taken in epoch {epoch}: the file is damaged.");
            for (int i = 0; i < reports; i++)
                _reports.Add(ReadReport(reader));
            _bestLoss = reader.ReadDouble();
            _bestEpoch = reader.ReadInt32();
            _sinceBest = reader.ReadInt32();
            if (reader.ReadBoolean())
            {
                _best = _network.Parameters.Select(p => new float[p.Value.Length]).ToArray();
                for (int i = 0; i < _best.Length; i++)
                    reader.ReadFloats(_best[i], $"the best epoch's '{_network.Parameters[i].Name}'");
            }
            reader.ReadDoubles(_validationMeans, "validation losses");
            foreach (var parameter in _network.Parameters)
                reader.ReadFloats(parameter.Value, $"parameter '{parameter.Name}'");
            _optimizer.Read(reader);
            _weighting.Read(reader);
            _epochs.Read(reader, cancellationToken);
            _random.Read(reader);
            ReadDropoutGenerators(reader);
            if (stream.Position != stream.Length)
                throw new InvalidDataException("it holds more than this run's state: the file is damaged.");
            return epoch;
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"Checkpoint '{path}' ends early: the file is damaged (delete it to start afresh).");
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith("Checkpoint '", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"Checkpoint '{path}': {char.ToLowerInvariant(e.Message[0])}{e.Message[1..]}", e);
        }
    }

    /// <summary>
    /// The checkpoint's bytes: the file's, or — over several processes — rank 0's file sent to every process as they read
    /// it, so that processes on hosts without it (no shared disk) resume too.
    /// </summary>
    private Stream OpenCheckpoint(string path) => _distributed is null
        ? File.OpenRead(path)
        : new Distributed.RankZeroFile(_distributed.Communicator, path, $"checkpoint '{path}' (rank 0's file)");

    /// <summary>
    /// Every dropout generator besides the session's own, in worker or rank order; with several processes each sends
    /// its own (all of them take part).
    /// </summary>
    private byte[][] DropoutGenerators()
    {
        if (_distributed is not null)
        {
            var communicator = _distributed.Communicator;
            var mine = Serialize(_distributed.DropoutGenerator);
            byte[] all = [];
            var counts = new int[communicator.Size];
            communicator.AllGather(mine, mine.Length, ref all, counts, $"the checkpoint after step {_step}");
            var generators = new byte[counts.Length][];
            for (int rank = 0, offset = 0; rank < counts.Length; offset += counts[rank++])
                generators[rank] = all.AsSpan(offset, counts[rank]).ToArray();
            return generators;
        }
        return _parallel is null ? [] : _parallel.DropoutGenerators.Select(Serialize).ToArray();
    }

    private void ReadDropoutGenerators(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        int expected = _distributed is not null ? _distributed.Communicator.Size : _parallel?.DropoutGenerators.Count ?? 0;
        if (count != expected)
            throw new InvalidDataException($"it holds {count} dropout generators; this run has {expected} (one per thread or process beyond the first).");
        for (int i = 0; i < count; i++)
        {
            var bytes = reader.ReadBytes(reader.ReadInt32());
            var generator = _distributed is not null ? (i == _distributed.Communicator.Rank ? _distributed.DropoutGenerator : null) : _parallel!.DropoutGenerators[i];
            generator?.Read(new BinaryReader(new MemoryStream(bytes)));
        }
    }

    private static byte[] Serialize(ResumableRandom generator)
    {
        using var bytes = new MemoryStream();
        using (var writer = new BinaryWriter(bytes))
            generator.Write(writer);
        return bytes.ToArray();
    }

    private static void Write(BinaryWriter writer, EpochReport report)
    {
        writer.Write(report.Epoch);
        writer.WriteDoubles(report.TrainingLoss.ToArray());
        writer.WriteDoubles(report.ValidationLoss.ToArray());
        writer.Write(report.MeanValidationLoss);
        writer.Write(report.Elapsed.Ticks);
        writer.WriteDoubles(report.TaskWeights.ToArray());
        writer.Write(report.ValidationMetric);
    }

    private static EpochReport ReadReport(BinaryReader reader) => new(reader.ReadInt32(), reader.ReadDoubles(), reader.ReadDoubles(), reader.ReadDouble(),
        TimeSpan.FromTicks(reader.ReadInt64()), reader.ReadDoubles(), reader.ReadDouble());
}
