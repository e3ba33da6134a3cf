using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using MlNetMtl.Encoders;
using SkiaSharp;

namespace MlNetMtl.Benchmarks;

/// <summary>
/// ResNet18 throughput through ONNX Runtime on 16 generated pictures (PNG, 640 × 480, a disc on a background), on 1 and
/// 2 threads: decoding and cropping alone, and decoding plus the network. Images per second is 16 over the mean time;
/// the ratio compares each row with the whole encoding on one thread.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class ImageEncodingBenchmarks
{
    private sealed class Config : ManualConfig
    {
        public Config() => AddJob(Job.Default.WithWarmupCount(1).WithIterationCount(5));
    }

    private const int Images = 16;
    private string _folder = null!;
    private string[] _paths = null!;
    private float[] _vectors = null!, _planes = null!;
    private ResNet18ImageEncoder _encoder = null!;

    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("mlnet-mtl-image-bench-").FullName;
        var random = new Random(1);
        _paths = Enumerable.Range(0, Images).Select(i =>
        {
            string path = Path.Combine(_folder, $"{i}.png");
            using var bitmap = new SKBitmap(640, 480);
            using (var canvas = new SKCanvas(bitmap))
            {
                canvas.Clear(new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
                using var paint = new SKPaint { Color = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)), IsAntialias = true };
                canvas.DrawCircle(320, 240, 60 + random.Next(120), paint);
            }
            using var file = File.Create(path);
            bitmap.Encode(file, SKEncodedImageFormat.Png, 90);
            return path;
        }).ToArray();
        _vectors = new float[Images * ResNet18ImageEncoder.VectorSize];
        _planes = new float[3 * ResNet18ImageEncoder.Side * ResNet18ImageEncoder.Side];
        _encoder = new ResNet18ImageEncoder(Threads);
        _encoder.Encode(_paths[..1], _vectors.AsSpan(0, ResNet18ImageEncoder.VectorSize)); // the sessions are made outside the measurement
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    [Benchmark(Baseline = true, Description = "decode + ResNet18")]
    public float[] Encode()
    {
        _encoder.Encode(_paths, _vectors);
        return _vectors;
    }

    [Benchmark(Description = "decode, crop, scale only")]
    public float[] DecodeOnly()
    {
        foreach (string path in _paths)
            _encoder.ReadPixels(path, _planes);
        return _planes;
    }
}
