using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using MlNetMtl.Data;
using MlNetMtl.Training;

namespace MlNetMtl.Benchmarks;

/// <summary>
/// One training epoch of the reference networks of ../shared/design/performance.md over 65,536 rows, on 1 or 2 threads, as
/// the TorchSharp anchor in ../shared/tools/torch-anchor measures them (Adam lr 1e-3, summed BCE, two binary tasks):
/// W-SB = 512 → 256 → 128 shared, towers 128 → 64 → 1; W-MMoE = 8 experts 512 → 128 → 64, a softmax gate per task,
/// towers 64 → 32 → 1. The epoch includes building the network.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class TrainingBenchmarks
{
    private const int Rows = DenseWorkload.Rows;

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithWarmupCount(1).WithIterationCount(5));
            AddColumn(new ThroughputColumn("samples/s", _ => Rows, 1, "N0"));
        }
    }

    private MultiTaskDataset _data = null!;

    [Params(256, 2048)]
    public int BatchSize { get; set; }

    [Params("W-SB", "W-MMoE")]
    public string Network { get; set; } = "W-SB";

    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    [GlobalSetup]
    public void Setup() => _data = DenseWorkload.Generate();

    [Benchmark(Description = "epoch")]
    public TrainingResult Epoch() =>
        new MultiTaskTrainer(DenseWorkload.Network(Network),
            new TrainerOptions { Epochs = 1, BatchSize = BatchSize, ValidationFraction = 0, Threads = Threads }).Fit(_data);
}
