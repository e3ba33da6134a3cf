using System.Security.Cryptography;
using MlNetMtl.Data;

namespace MlNetMtl.Training;

/// <summary>
/// The first pass over a stream before training from it: counts the rows and each binary task's positives, keeps
/// the first rows in the shuffle buffer (all of them when they fit, and training then runs in memory) and collects
/// the validation rows held out by position, and — for a run that takes checkpoints — the SHA-256 of every row, which a
/// resumed run must find again. Memory: at most the buffer's rows twice.
/// </summary>
internal sealed class StreamScan
{
    private readonly double _fraction;
    private readonly ulong _seed;

    private StreamScan(RowStore buffer, double fraction, int seed, int tasks)
    {
        Buffer = buffer;
        _fraction = fraction;
        _seed = (ulong)(uint)seed;
        Positives = new long[tasks];
        Labelled = new long[tasks];
    }

    /// <summary>The shuffle buffer (holding the stream's first rows after the scan).</summary>
    public RowStore Buffer { get; }
    /// <summary>Every row, when the stream fits in the buffer; else null.</summary>
    public MultiTaskDataset? AllRows { get; private set; }
    /// <summary>The held-out rows kept for validation (up to the buffer's size), or null.</summary>
    public MultiTaskDataset? Validation { get; private set; }
    /// <summary>Rows in the stream.</summary>
    public long Rows { get; private set; }
    /// <summary>SHA-256 of every row as stored (features, labels, weights), in hexadecimal; null unless asked for.</summary>
    public string? Fingerprint { get; private set; }
    /// <summary>Rows not held out.</summary>
    public long TrainingRows { get; private set; }
    /// <summary>Positive labels (1) per task among the training rows.</summary>
    public long[] Positives { get; }
    /// <summary>Labelled (not missing) rows per task among the training rows.</summary>
    public long[] Labelled { get; }
    /// <summary>Mean stored values per training row (the non-zeros of sparse rows): the first layer's fan-in.</summary>
    public double MeanValuesPerRow => TrainingRows == 0 ? 0 : (double)_storedValues / TrainingRows;

    private long _storedValues;

    /// <summary>Whether the row at stream position <paramref name="ordinal"/> is held out: a seeded hash below the fraction.</summary>
    public bool IsHeldOut(long ordinal)
    {
        if (_fraction <= 0)
            return false;
        ulong z = _seed * 0x9E3779B97F4A7C15UL + (ulong)ordinal + 1; // SplitMix64 of (seed, position)
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53)) < _fraction;
    }

    /// <summary>Scans <paramref name="stream"/> with a buffer of <paramref name="bufferRows"/> rows; with <paramref name="fingerprint"/>, hashes every row.</summary>
    public static StreamScan Run(IRowStream stream, int bufferRows, double validationFraction, int seed, bool fingerprint, CancellationToken cancellationToken)
    {
        TaskDefinition.ValidateList(stream.Tasks, "stream");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stream.Dimension, "stream.Dimension");
        var scan = new StreamScan(new RowStore(stream.Tasks, stream.Dimension, bufferRows), validationFraction, seed, stream.Tasks.Count);
        var held = validationFraction > 0 ? new RowStore(stream.Tasks, stream.Dimension, bufferRows) : null;
        var spare = new RowStore(stream.Tasks, stream.Dimension, 1);
        using var hash = fingerprint ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        int kept = 0, heldKept = 0;
        long rows = 0;
        using (var reader = stream.Open())
        {
            while (true)
            {
                if ((rows & 0xFFF) == 0)
                    cancellationToken.ThrowIfCancellationRequested();
                // The first rows go to the buffer (in case all fit); the rest only need counting.
                var (store, slot) = kept < bufferRows ? (scan.Buffer, kept) : (spare, 0);
                if (!store.Read(reader, slot, rows))
                    break;
                if (hash is not null)
                    store.AppendTo(hash, slot);
                if (store == scan.Buffer)
                    kept++;
                if (scan.IsHeldOut(rows))
                {
                    if (held is not null && heldKept < bufferRows)
                    {
                        store.CopyTo(slot, held, heldKept);
                        heldKept++;
                    }
                }
                else
                {
                    scan.TrainingRows++;
                    scan._storedValues += store.StoredValues(slot);
                    for (int t = 0; t < stream.Tasks.Count; t++)
                    {
                        float label = store.Label(t, slot);
                        if (float.IsNaN(label))
                            continue;
                        scan.Labelled[t]++;
                        if (label == 1f && stream.Tasks[t].Kind == TaskKind.Binary)
                            scan.Positives[t]++;
                    }
                }
                rows++;
            }
        }
        if (rows == 0)
            throw new ArgumentException("The training stream has no rows.", nameof(stream));
        scan.Rows = rows;
        scan.Fingerprint = hash is null ? null : Convert.ToHexString(hash.GetHashAndReset());
        if (rows <= bufferRows)
        {
            scan.AllRows = scan.Buffer.ToDataset((int)rows);
            return scan;
        }
        if (scan.TrainingRows == 0)
            throw new ArgumentException($"ValidationFraction {validationFraction} held out every one of the {rows:N0} rows.", nameof(validationFraction));
        if (heldKept > 0)
            scan.Validation = held!.ToDataset(heldKept);
        return scan;
    }
}
