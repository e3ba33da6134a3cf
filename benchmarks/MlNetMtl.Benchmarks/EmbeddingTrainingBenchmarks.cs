using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using MlNetMtl.Data;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Networks.Encoders;
using MlNetMtl.Training;

namespace MlNetMtl.Benchmarks;

/// <summary>
/// W-EMB of ../shared/tools/torch-anchor: 26 id fields of 100,000 ids each (power-law frequencies), embeddings of 16, and 13
/// dense features (here one vector field, embedded by a learned 13 × 16 projection: 27 × 16 = 432 inputs against the
/// anchor's 26 × 16 + 13 = 429) → 256 → 128 shared, towers 128 → 64 → 1, two binary tasks, Adam lr 1e-3 (lazy on the
/// touched table rows, as the anchor's SparseAdam). Three epochs of 65,536 rows per run, building the network (a
/// 2.6M × 16 table and its optimizer state) included; samples/s counts the three epochs.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class EmbeddingTrainingBenchmarks
{
    private const int Rows = 65_536, IdFields = 26, Ids = 100_000, Dense = 13, Epochs = 3;

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithWarmupCount(1).WithIterationCount(3));
            AddColumn(new ThroughputColumn("samples/s", _ => Rows * Epochs, 1, "N0"));
        }
    }

    private MultiTaskDataset _data = null!;
    private FieldLayout _fields = null!;

    [Params(256, 2048)]
    public int BatchSize { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(3);
        int perRow = IdFields + Dense;
        var starts = new int[Rows + 1];
        var indices = new int[Rows * perRow];
        var values = new float[Rows * perRow];
        float[][] labels = [new float[Rows], new float[Rows]];
        for (int r = 0; r < Rows; r++)
        {
            int p = r * perRow;
            for (int f = 0; f < IdFields; f++, p++)
            {
                indices[p] = f * Ids + (int)(Ids * Math.Pow(random.NextDouble(), 3)); // power law: low ids are frequent
                values[p] = 1f;
            }
            for (int d = 0; d < Dense; d++, p++)
            {
                indices[p] = IdFields * Ids + d;
                values[p] = random.NextSingle() * 2 - 1;
            }
            starts[r + 1] = p;
            labels[0][r] = values[r * perRow + IdFields] > 0 ? 1f : 0f;
            labels[1][r] = indices[r * perRow] % 2 == 0 ? 1f : 0f;
        }
        _data = new MultiTaskDataset(new SparseFeatures(starts, indices, values, IdFields * Ids + Dense),
            [new TaskDefinition("click", TaskKind.Binary), new TaskDefinition("like", TaskKind.Binary)], labels);
        _fields = new FieldLayout([.. Enumerable.Range(0, IdFields).Select(f => new Field($"id{f}", f * Ids, Ids, FieldKind.Categorical)),
            new Field("dense", IdFields * Ids, Dense, FieldKind.Vector)]);
    }

    [Benchmark(Description = "3 epochs")]
    public TrainingResult Train() =>
        new MultiTaskTrainer(
            new SharedBottomOptions { BottomWidths = [256, 128], TowerWidths = [64], Encoder = new EncoderOptions { Encoding = InputEncoding.Embedding, EmbeddingSize = 16, Interaction = FeatureInteraction.None, EmbeddingL2 = 0 } },
            new TrainerOptions { Epochs = Epochs, BatchSize = BatchSize, ValidationFraction = 0, Threads = Threads, EarlyStoppingPatience = 0 },
            _fields).Fit(_data);
}
