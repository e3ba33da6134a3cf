using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using MlNetMtl.Data;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Encoders;
using MlNetMtl.Numerics;

namespace MlNetMtl.Benchmarks;

/// <summary>
/// Scoring with the W-EMB network (<see cref="EmbeddingWorkload"/>), one thread: 4,096 sparse rows (26 ids and 13 dense
/// values each) through <see cref="MultiTaskNetwork.Predict"/>, and one row — the anchor's batch-4096 inference and batch-1
/// latency lines.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class EmbeddingInferenceBenchmarks
{
    private const int BatchRows = 4096;

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(10));
            AddColumn(new ThroughputColumn("rows/s", c => c.Descriptor.WorkloadMethod.Name == nameof(Batch4096) ? BatchRows : 1, 1, "N0"));
        }
    }

    private MultiTaskNetwork _network = null!;
    private SparseFeatures _rows = null!;
    private float[] _scores = [];

    [GlobalSetup]
    public void Setup()
    {
        var data = EmbeddingWorkload.Generate(BatchRows);
        _rows = (SparseFeatures)data.Features;
        _network = MultiTaskNetwork.Create(_rows.Dimension, data.Tasks, EmbeddingWorkload.Network(TableOptimizer.Training), seed: 1, fields: EmbeddingWorkload.Fields);
        _scores = new float[BatchRows * 2];
    }

    [Benchmark(Description = "Predict, batch 4096")]
    public void Batch4096() => _network.Predict(InputBatch.FromSparse(_rows.AsCsr()), _scores);

    [Benchmark(Description = "Predict, one row")]
    public void OneRow()
    {
        var all = _rows.AsCsr();
        _network.Predict(InputBatch.FromSparse(new CsrRows(all.RowStarts[123..125], all.Indices, all.Values, all.Columns)), _scores);
    }
}
