using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using MlNetMtl.Encoders;
using MlNetMtl.MLNet.Pretrained;

namespace MlNetMtl.Benchmarks;

/// <summary>
/// all-MiniLM-L6-v2 throughput through ONNX Runtime — 256 distinct product-like titles of 2 to 14 words, in batches of 1,
/// 32 and 256, on 1 and 2 threads — and the cache's hit (the same 256 titles looked up). Texts per second is 256 over the
/// mean time; the ratio column compares each row with one title at a time on one thread.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class SentenceEncodingBenchmarks
{
    private sealed class Config : ManualConfig
    {
        public Config() => AddJob(Job.Default.WithWarmupCount(1).WithIterationCount(5));
    }

    private const int Texts = 256;
    private string[] _titles = null!;
    private float[] _vectors = null!;
    private readonly Dictionary<int, MiniLmTextEncoder> _encoders = [];
    private EmbeddingCache _cache = null!;

    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        string[] words = ["wireless", "headphones", "noise", "cancelling", "funny", "cat", "video", "cooking", "pasta", "home", "street", "food", "tour",
            "guitar", "lesson", "beginner", "football", "highlights", "goal", "makeup", "tutorial", "travel", "vlog", "mountain", "hiking"];
        _titles = Enumerable.Range(0, Texts).Select(i => $"{i} " + string.Join(' ', Enumerable.Range(0, 2 + random.Next(13)).Select(_ => words[random.Next(words.Length)]))).ToArray();
        _vectors = new float[Texts * MiniLmTextEncoder.VectorSize];
        _encoders[Threads] = new MiniLmTextEncoder(Threads);
        _cache = new EmbeddingCache();
        _cache.Add(_encoders[Threads], _titles, _vectors);
    }

    private float[] Encode(int batch)
    {
        var encoder = _encoders[Threads];
        for (int start = 0; start < Texts; start += batch)
            encoder.Encode(new ArraySegment<string>(_titles, start, Math.Min(batch, Texts - start)), _vectors.AsSpan(start * MiniLmTextEncoder.VectorSize, Math.Min(batch, Texts - start) * MiniLmTextEncoder.VectorSize));
        return _vectors;
    }

    [Benchmark(Baseline = true, Description = "encode, batch 1")]
    public float[] Batch1() => Encode(1);

    [Benchmark(Description = "encode, batch 32")]
    public float[] Batch32() => Encode(32);

    [Benchmark(Description = "encode, batch 256")]
    public float[] Batch256() => Encode(256);

    [Benchmark(Description = "cache hits")]
    public float[] CacheHits()
    {
        var encoder = _encoders[Threads];
        for (int i = 0; i < Texts; i++)
            _cache.TryGet(encoder, _titles[i], _vectors.AsSpan(i * MiniLmTextEncoder.VectorSize, MiniLmTextEncoder.VectorSize));
        return _vectors;
    }
}
