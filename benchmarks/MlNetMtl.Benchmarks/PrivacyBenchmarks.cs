using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using MlNetMtl.Data;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Encoders;
using MlNetMtl.Training;
using MlNetMtl.Training.Privacy;

namespace MlNetMtl.Benchmarks;

/// <summary>
/// The cost of DP-SGD (Poisson sampling, ghost clipping, noise on every parameter) against plain training of the same
/// network on the same rows, one epoch at batch 256 and 2048 on one thread (DP-SGD runs on one): W-SB and W-MMoE over 65,536
/// dense rows as in <see cref="TrainingBenchmarks"/>, W-EMB (a 2.6-million-row table, see <see cref="EmbeddingWorkload"/>) over
/// 8,192 rows. The ratio column is DP-SGD's time over plain training's.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class PrivacyBenchmarks
{
    private sealed class Config : ManualConfig
    {
        public Config() => AddJob(Job.Default.WithWarmupCount(1).WithIterationCount(5));
    }

    private MultiTaskDataset _data = null!;
    private NetworkOptions _network = null!;
    private FieldLayout? _fields;

    [Params("W-SB", "W-MMoE", "W-EMB")]
    public string Network { get; set; } = "W-SB";

    [Params(256, 2048)]
    public int BatchSize { get; set; } = 256;

    [GlobalSetup]
    public void Setup()
    {
        if (Network == "W-EMB")
        {
            _data = EmbeddingWorkload.Generate(8_192);
            _network = EmbeddingWorkload.Network(TableOptimizer.RowWiseAdagrad);
            _fields = EmbeddingWorkload.Fields;
            return;
        }
        _data = DenseWorkload.Generate();
        _network = DenseWorkload.Network(Network);
    }

    private TrainingResult Train(PrivacyOptions privacy) =>
        new MultiTaskTrainer(_network, new TrainerOptions { Epochs = 1, BatchSize = BatchSize, ValidationFraction = 0, Threads = 1, Privacy = privacy }, _fields).Fit(_data);

    [Benchmark(Baseline = true, Description = "plain epoch")]
    public TrainingResult Plain() => Train(new PrivacyOptions());

    [Benchmark(Description = "DP-SGD epoch")]
    public TrainingResult DpSgd() => Train(new PrivacyOptions { NoiseMultiplier = 1, ClipNorm = 1 });
}
