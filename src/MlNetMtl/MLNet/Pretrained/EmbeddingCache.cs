using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;

namespace MlNetMtl.MLNet.Pretrained;

/// <summary>
/// The vectors of inputs already encoded, keyed by (encoder <see cref="IPretrainedEncoder.Name"/> and <see cref="IPretrainedEncoder.Version"/>,
/// the 128-bit xxHash of the input's key — a text, or an image file's path, length and write time), so repeated epochs,
/// trials and predictions never encode an input twice. Safe under
/// concurrent cursors. With a directory it is also persistent: each encoder's vectors are appended to a file of their own
/// there (<c>{name}-{version hash}.vectors</c>, never rewritten; a record cut short by a crash is ignored) and read back by
/// the next process. Without one it lives as long as the process.
/// </summary>
public sealed class EmbeddingCache
{
    private const string FileMagic = "MlNetMtl.EmbeddingCache.1";
    private readonly ConcurrentDictionary<(string Name, string Version), Store> _stores = new();
    private long _hits, _misses;

    /// <summary>A cache in memory, or persistent under <paramref name="directory"/> (created when first written).</summary>
    public EmbeddingCache(string? directory = null) => Directory = directory;

    /// <summary>The cache transformers use unless given one (loaded ones included): in memory; the command line makes it persistent.</summary>
    public static EmbeddingCache Default { get; set; } = new();

    /// <summary>Where the vectors are kept across processes, or null for memory only.</summary>
    public string? Directory { get; }
    /// <summary>Lookups answered from the cache.</summary>
    public long Hits => Interlocked.Read(ref _hits);
    /// <summary>Lookups that had to encode.</summary>
    public long Misses => Interlocked.Read(ref _misses);
    /// <summary>Vectors held, over all encoders.</summary>
    public long Count => _stores.Values.Sum(s => (long)s.Vectors.Count);

    /// <summary>Copies the vector of the input keyed <paramref name="key"/> under <paramref name="encoder"/> into <paramref name="vector"/>, if cached.</summary>
    internal bool TryGet(IPretrainedEncoder encoder, string key, Span<float> vector)
    {
        if (StoreOf(encoder).Vectors.TryGetValue(Hash(key), out var cached))
        {
            Interlocked.Increment(ref _hits);
            cached.CopyTo(vector);
            return true;
        }
        Interlocked.Increment(ref _misses);
        return false;
    }

    /// <summary>Keeps the vectors of the inputs keyed <paramref name="keys"/> (row-major in <paramref name="vectors"/>), and appends the new ones to the file.</summary>
    internal void Add(IPretrainedEncoder encoder, IReadOnlyList<string> keys, ReadOnlySpan<float> vectors)
    {
        var store = StoreOf(encoder);
        int dimension = encoder.Dimension;
        var added = new List<(UInt128 Key, float[] Vector)>();
        for (int i = 0; i < keys.Count; i++)
        {
            var key = Hash(keys[i]);
            var vector = vectors.Slice(i * dimension, dimension).ToArray();
            if (store.Vectors.TryAdd(key, vector))
                added.Add((key, vector));
        }
        if (store.Path is not null && added.Count > 0)
            store.Append(added, dimension);
    }

    private Store StoreOf(IPretrainedEncoder encoder) => _stores.GetOrAdd((encoder.Name, encoder.Version), static (_, state) => new Store(state.Encoder, state.Directory), (Encoder: encoder, Directory));

    /// <summary>The key's 128-bit xxHash over its UTF-16 code units.</summary>
    private static UInt128 Hash(string key) => XxHash128.HashToUInt128(MemoryMarshal.AsBytes(key.AsSpan()));

    /// <summary>One encoder's vectors, and its file.</summary>
    private sealed class Store
    {
        private readonly object _fileLock = new();

        public Store(IPretrainedEncoder encoder, string? directory)
        {
            if (directory is null)
                return;
            string safeName = string.Concat(encoder.Name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
            string versionHash = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(encoder.Version)).ToString("x16");
            Path = System.IO.Path.Combine(directory, $"{safeName}-{versionHash}.vectors");
            Header = $"{FileMagic}\n{encoder.Name}\n{encoder.Version}\n{encoder.Dimension}\n";
            if (File.Exists(Path))
                Load(encoder.Dimension);
        }

        public ConcurrentDictionary<UInt128, float[]> Vectors { get; } = new();
        public string? Path { get; }
        private string Header { get; } = "";

        /// <summary>Reads the file's whole records; a header for another encoder is an error naming the file.</summary>
        private void Load(int dimension)
        {
            using var stream = new FileStream(Path!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var header = Encoding.UTF8.GetBytes(Header);
            var read = new byte[header.Length];
            if (stream.ReadAtLeast(read, read.Length, throwOnEndOfStream: false) != read.Length || !read.AsSpan().SequenceEqual(header))
                throw new InvalidDataException($"The embedding cache file '{Path}' is not a cache of this encoder's vectors; move it away or give another cache directory.");
            var record = new byte[16 + dimension * sizeof(float)];
            while (stream.ReadAtLeast(record, record.Length, throwOnEndOfStream: false) == record.Length)
            {
                var key = new UInt128(BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(8)), BinaryPrimitives.ReadUInt64LittleEndian(record));
                Vectors.TryAdd(key, MemoryMarshal.Cast<byte, float>(record.AsSpan(16)).ToArray());
            }
        }

        /// <summary>
        /// Appends records in one write per batch, holding the file alone meanwhile (other processes wait): a new file gets its
        /// header first, and a record a killed writer cut short is dropped so the records stay aligned.
        /// </summary>
        public void Append(List<(UInt128 Key, float[] Vector)> added, int dimension)
        {
            int recordBytes = 16 + dimension * sizeof(float);
            var bytes = new byte[added.Count * recordBytes];
            for (int i = 0; i < added.Count; i++)
            {
                var record = bytes.AsSpan(i * recordBytes, recordBytes);
                BinaryPrimitives.WriteUInt64LittleEndian(record, (ulong)added[i].Key);
                BinaryPrimitives.WriteUInt64LittleEndian(record[8..], (ulong)(added[i].Key >> 64));
                MemoryMarshal.AsBytes(added[i].Vector.AsSpan()).CopyTo(record[16..]);
            }
            var header = Encoding.UTF8.GetBytes(Header);
            lock (_fileLock)
            {
                System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path!))!);
                using var stream = OpenAlone();
                if (stream.Length < header.Length)
                {
                    stream.SetLength(0);
                    stream.Write(header);
                }
                else
                {
                    stream.SetLength(header.Length + (stream.Length - header.Length) / recordBytes * recordBytes);
                    stream.Seek(0, SeekOrigin.End);
                }
                stream.Write(bytes);
            }
        }

        /// <summary>The file opened for writing with no other writer, waiting up to 10 s for one in another process.</summary>
        private FileStream OpenAlone()
        {
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    return new FileStream(Path!, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
                }
                catch (IOException) when (attempt < 500 && File.Exists(Path))
                {
                    Thread.Sleep(20);
                }
            }
        }
    }
}
