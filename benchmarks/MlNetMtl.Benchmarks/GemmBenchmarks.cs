using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using MlNetMtl.Numerics;

namespace MlNetMtl.Benchmarks;

/// <summary>
/// Our GEMM against two baselines measured in the same run: a naive triple loop, and the usual "fast naive"
/// GEMM, one <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/> per output element
/// (B transposed beforehand so both operands are contiguous). Ratios are against the Dot baseline.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithWarmupCount(2).WithIterationCount(8));
            AddColumn(new ThroughputColumn("GFLOP/s", c => ThroughputColumn.Parameter<GemmShape>(c, nameof(Shape)).Flops, 1e9, "F1"));
        }
    }

    private float[] _a = [], _b = [], _bTransposed = [], _c = [];

    public static IEnumerable<GemmShape> Shapes() =>
    [
        new("A·B", 256, 512, 256),
        new("A·B", 2048, 512, 256),
        new("Aᵀ·B", 512, 2048, 256),
        new("A·Bᵀ", 2048, 256, 512),
    ];

    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = Shapes().First();

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _a = Enumerable.Range(0, Shape.M * Shape.K).Select(_ => random.NextSingle() - 0.5f).ToArray();
        _b = Enumerable.Range(0, Shape.K * Shape.N).Select(_ => random.NextSingle() - 0.5f).ToArray();
        _c = new float[Shape.M * Shape.N];
        // The Dot baseline wants op(A) rows and op(B) columns contiguous: lay both out that way once.
        _bTransposed = new float[_b.Length];
        for (int p = 0; p < Shape.K; p++)
            for (int j = 0; j < Shape.N; j++)
                _bTransposed[j * Shape.K + p] = _b[p * Shape.N + j];
    }

    [Benchmark(Description = "MlNetMtl Gemm")]
    public void Ours()
    {
        int m = Shape.M, k = Shape.K, n = Shape.N;
        switch (Shape.Form)
        {
            case "A·B": Gemm.Multiply(_a, _b, _c, m, k, n); break;
            case "Aᵀ·B": Gemm.MultiplyTransposeA(_a, _b, _c, m, k, n); break; // A stored [K×M]
            default: Gemm.MultiplyTransposeB(_a, _bTransposed, _c, m, k, n); break; // B stored [N×K]
        }
    }

    [Benchmark(Baseline = true, Description = "TensorPrimitives.Dot per element")]
    public void DotPerElement()
    {
        int m = Shape.M, k = Shape.K, n = Shape.N;
        for (int i = 0; i < m; i++)
        {
            var row = _a.AsSpan(i * k, k);
            for (int j = 0; j < n; j++)
                _c[i * n + j] = TensorPrimitives.Dot(row, _bTransposed.AsSpan(j * k, k));
        }
    }

    [Benchmark(Description = "Naive triple loop")]
    public void Naive()
    {
        int m = Shape.M, k = Shape.K, n = Shape.N;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float sum = 0;
                for (int p = 0; p < k; p++)
                    sum += _a[i * k + p] * _b[p * n + j];
                _c[i * n + j] = sum;
            }
    }
}
