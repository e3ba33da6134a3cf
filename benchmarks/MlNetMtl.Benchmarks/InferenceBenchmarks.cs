using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data;
using MlNetMtl.MLNet;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Architectures;

namespace MlNetMtl.Benchmarks;

/// <summary>
/// Scoring with the W-SB reference network (512 → 256 → 128, towers 128 → 64 → 1, two binary tasks), one thread:
/// a batch of 4,096 rows through <see cref="MultiTaskNetwork.Predict"/>, one row through the same API, and one row
/// through ML.NET's <c>PredictionEngine</c> over the transformer — the figures the torch anchor's inference and
/// latency lines compare with.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class InferenceBenchmarks
{
    private const int Inputs = 512, BatchRows = 4096;

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(10));
            AddColumn(new ThroughputColumn("rows/s", c => c.Descriptor.WorkloadMethod.Name == nameof(Batch4096) ? BatchRows : 1, 1, "N0"));
        }
    }

    private MultiTaskNetwork _network = null!;
    private float[] _batch = [], _row = [], _scores = [];
    private PredictionEngine<Row, Scores> _engine = null!;
    private Row _input = new();
    private Scores _output = new();

    [GlobalSetup]
    public void Setup()
    {
        TaskDefinition[] tasks = [new("click", TaskKind.Binary), new("like", TaskKind.Binary)];
        _network = MultiTaskNetwork.Create(Inputs, tasks, new SharedBottomOptions { BottomWidths = [256, 128], TowerWidths = [64] }, seed: 1);
        var random = new Random(2);
        _batch = Enumerable.Range(0, BatchRows * Inputs).Select(_ => random.NextSingle() * 2 - 1).ToArray();
        _row = _batch[..Inputs];
        _scores = new float[BatchRows * 2];

        var ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 64).Select(r => new Row { Features = _batch.AsSpan(r * Inputs, Inputs).ToArray(), Click = r % 2 == 0, Like = r % 3 == 0 });
        var model = ml.MultiTask().Network(new MultiTaskNetworkTrainerOptions
        {
            Tasks = [new TaskColumn("click", nameof(Row.Click)), new TaskColumn("like", nameof(Row.Like))],
            Network = new SharedBottomOptions { BottomWidths = [256, 128], TowerWidths = [64] },
            Training = new() { Epochs = 1, ValidationFraction = 0 },
        }).Fit(ml.Data.LoadFromEnumerable(rows));
        _engine = ml.Model.CreatePredictionEngine<Row, Scores>(model);
        _input = new Row { Features = _row };
    }

    [Benchmark(Description = "Predict, batch 4096")]
    public void Batch4096() => _network.Predict(InputBatch.FromDense(_batch, BatchRows, Inputs), _scores);

    [Benchmark(Description = "Predict, one row")]
    public void OneRow() => _network.Predict(InputBatch.FromDense(_row, 1, Inputs), _scores);

    /// <summary>The overload that reuses the output object (<c>Predict(input)</c> allocates a new one per call, 24 B, in ML.NET).</summary>
    [Benchmark(Description = "PredictionEngine, one row")]
    public Scores OneRowEngine()
    {
        _engine.Predict(_input, ref _output);
        return _output;
    }

    public sealed class Row
    {
        [VectorType(Inputs)] public float[] Features { get; set; } = [];
        public bool Click { get; set; }
        public bool Like { get; set; }
    }

    public sealed class Scores
    {
        [ColumnName("click.Score")] public float Click { get; set; }
        [ColumnName("like.Score")] public float Like { get; set; }
    }
}
