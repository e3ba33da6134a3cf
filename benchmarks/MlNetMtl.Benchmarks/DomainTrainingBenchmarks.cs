using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using MlNetMtl.Data;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Networks.Domains;
using MlNetMtl.Training;

namespace MlNetMtl.Benchmarks;

/// <summary>
/// One training epoch of each scenario-aware architecture at its defaults against the domain-blind shared-bottom at its
/// defaults (the ratio's baseline, same run): the dense reference rows (65,536 × 512, two binary tasks) with five domains
/// one-hot in slots 0–4, shares 1/2, 1/4, 1/8, 1/16, 1/16, so STAR's regrouping works on unequal domains.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class DomainTrainingBenchmarks
{
    private const int Rows = DenseWorkload.Rows, Domains = 5;
    private static readonly DomainLayout Layout = new("tab", 0, ["1", "0", "4", "6", "2"]);

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithWarmupCount(1).WithIterationCount(5));
            AddColumn(new ThroughputColumn("samples/s", _ => Rows, 1, "N0"));
        }
    }

    private MultiTaskDataset _data = null!;

    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    [GlobalSetup]
    public void Setup()
    {
        _data = DenseWorkload.Generate();
        var features = ((DenseFeatures)_data.Features).Values;
        var random = new Random(11);
        for (int r = 0; r < Rows; r++)
        {
            var row = features.AsSpan(r * DenseWorkload.Inputs, Domains);
            row.Clear();
            double u = random.NextDouble();
            row[u < 0.5 ? 0 : u < 0.75 ? 1 : u < 0.875 ? 2 : u < 0.9375 ? 3 : 4] = 1f;
        }
    }

    private TrainingResult Epoch(NetworkOptions network) =>
        new MultiTaskTrainer(network, new TrainerOptions { Epochs = 1, BatchSize = 256, ValidationFraction = 0, Threads = Threads }, domains: Layout).Fit(_data);

    [Benchmark(Baseline = true, Description = "SharedBottom (blind)")]
    public TrainingResult SharedBottom() => Epoch(new SharedBottomOptions());

    [Benchmark(Description = "STAR")]
    public TrainingResult Star() => Epoch(new StarOptions());

    [Benchmark(Description = "PEPNet")]
    public TrainingResult PepNet() => Epoch(new PepNetOptions());

    [Benchmark(Description = "MMoE, tab gates")]
    public TrainingResult Mmoe() => Epoch(new MmoeOptions());
}
