using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using MlNetMtl.Data;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Encoders;
using MlNetMtl.Training;

namespace MlNetMtl.Benchmarks;

/// <summary>
/// Training the W-EMB network (<see cref="EmbeddingWorkload"/>) with Adam lr 1e-3 — lazy on the touched table rows, as the
/// anchor's SparseAdam — or with row-wise Adagrad on the table (<see cref="TableOptimizer"/>). Three epochs of 65,536 rows per
/// run, building the network (a 2.6M × 16 table and its optimizer state) included; samples/s counts the three epochs.
/// "set-up" builds and initialises the network alone, so that epochs-only throughput is 3 × 65,536 / (t(3 epochs) − t(set-up)),
/// comparable with the anchor's per-epoch figures (which leave out construction and a warm-up epoch).
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class EmbeddingTrainingBenchmarks
{
    private const int Rows = 65_536, Epochs = 3;

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithWarmupCount(1).WithIterationCount(3));
            AddColumn(new ThroughputColumn("samples/s", _ => Rows * Epochs, 1, "N0"));
        }
    }

    private MultiTaskDataset _data = null!;

    [Params(256, 2048)]
    public int BatchSize { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    [Params(TableOptimizer.Training, TableOptimizer.RowWiseAdagrad)]
    public TableOptimizer Table { get; set; }

    [GlobalSetup]
    public void Setup() => _data = EmbeddingWorkload.Generate(Rows);

    [Benchmark(Description = "3 epochs")]
    public TrainingResult Train() =>
        new MultiTaskTrainer(EmbeddingWorkload.Network(Table),
            new TrainerOptions { Epochs = Epochs, BatchSize = BatchSize, ValidationFraction = 0, Threads = Threads, EarlyStoppingPatience = 0 },
            EmbeddingWorkload.Fields).Fit(_data);

    [Benchmark(Description = "set-up")]
    public MultiTaskNetwork SetUp() => MultiTaskNetwork.Create(_data.Features.Dimension, _data.Tasks, EmbeddingWorkload.Network(Table), seed: 42, fields: EmbeddingWorkload.Fields);
}
