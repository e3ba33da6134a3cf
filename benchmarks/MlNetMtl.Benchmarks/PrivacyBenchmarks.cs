using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using MlNetMtl.Data;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Architectures;
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
    private const int Inputs = 512;

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
        const int rows = 65_536;
        var random = new Random(3);
        var features = Enumerable.Range(0, rows * Inputs).Select(_ => random.NextSingle() * 2 - 1).ToArray();
        float[][] labels = [new float[rows], new float[rows]];
        for (int r = 0; r < rows; r++)
        {
            labels[0][r] = features[r * Inputs] > 0 ? 1f : 0f;
            labels[1][r] = features[r * Inputs + 1] + features[r * Inputs + 2] > 0 ? 1f : 0f;
        }
        _data = new MultiTaskDataset(new DenseFeatures(features, rows, Inputs),
            [new TaskDefinition("click", TaskKind.Binary), new TaskDefinition("like", TaskKind.Binary)], labels);
        _network = Network == "W-SB"
            ? new SharedBottomOptions { BottomWidths = [256, 128], TowerWidths = [64] }
            : new MmoeOptions { ExpertCount = 8, ExpertWidths = [128, 64], TowerWidths = [32] };
    }

    private TrainingResult Train(PrivacyOptions privacy) =>
        new MultiTaskTrainer(_network, new TrainerOptions { Epochs = 1, BatchSize = BatchSize, ValidationFraction = 0, Threads = 1, Privacy = privacy }, _fields).Fit(_data);

    [Benchmark(Baseline = true, Description = "plain epoch")]
    public TrainingResult Plain() => Train(new PrivacyOptions());

    [Benchmark(Description = "DP-SGD epoch")]
    public TrainingResult DpSgd() => Train(new PrivacyOptions { NoiseMultiplier = 1, ClipNorm = 1 });
}
