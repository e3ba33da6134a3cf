using MlNetMtl.Data;
using MlNetMtl.Data.Synthetic;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Networks.Encoders;
using MlNetMtl.Training;
using MlNetMtl.Training.Weighting;

namespace MlNetMtl.Tests.Training;

/// <summary>
/// Training allocates its buffers up front and a few small arrays per epoch (the report), never anything per
/// mini-batch: (bytes of 6 epochs − bytes of 2 epochs) on twice the rows minus the same on the rows leaves only
/// the extra mini-batches' allocations, set-up and per-epoch costs cancelling. Bytes of all threads.
/// </summary>
[NonParallelizable]
public class SteadyStateAllocationTests
{
    private const int Rows = 4_000, BatchSize = 100; // 2 shards of 50 rows with 2 threads

    private static IEnumerable<TestCaseData> Cases()
    {
        NetworkOptions sb = new SharedBottomOptions { BottomWidths = [32, 16], TowerWidths = [8], Dropout = 0.2f };
        NetworkOptions mmoe = new MmoeOptions { ExpertCount = 3, ExpertWidths = [16], TowerWidths = [8] };
        yield return new TestCaseData(sb, 1, "fixed").SetName("SharedBottom, 1 thread");
        yield return new TestCaseData(sb, 2, "fixed").SetName("SharedBottom, 2 threads");
        yield return new TestCaseData(mmoe, 1, "fixed").SetName("MMoE, 1 thread");
        yield return new TestCaseData(mmoe, 2, "fixed").SetName("MMoE, 2 threads");
        yield return new TestCaseData(mmoe, 2, "uncertainty").SetName("MMoE, 2 threads, uncertainty weighting");
        foreach (var strategy in new[] { "pcgrad", "mgda", "cagrad", "gradnorm", "dwa", "rlw" })
            yield return new TestCaseData(sb, 1, strategy).SetName($"SharedBottom, {strategy}");
        yield return new TestCaseData(mmoe, 1, "pcgrad").SetName("MMoE, pcgrad");
        var embeddings = new EncoderOptions { Encoding = InputEncoding.Embedding, EmbeddingSize = 4 };
        NetworkOptions sbEmbedding = new SharedBottomOptions { BottomWidths = [32, 16], TowerWidths = [8], Encoder = embeddings };
        NetworkOptions mmoeCross = new MmoeOptions { ExpertCount = 3, ExpertWidths = [16], TowerWidths = [8], Encoder = embeddings with { Interaction = FeatureInteraction.Cross } };
        yield return new TestCaseData(sbEmbedding, 1, "fixed").SetName("SharedBottom, embeddings with FM, 1 thread");
        yield return new TestCaseData(sbEmbedding, 2, "fixed").SetName("SharedBottom, embeddings with FM, 2 threads");
        yield return new TestCaseData(mmoeCross, 1, "fixed").SetName("MMoE, embeddings with cross layers, 1 thread");
        // Scenario-aware: three domains one-hot in slots 0–2 (the generator's values there: most rows the first domain).
        yield return new TestCaseData(new StarOptions { BottomWidths = [32, 16], TowerWidths = [8], AuxiliaryWidth = 8 }, 2, "fixed", true).SetName("STAR, 2 threads");
        yield return new TestCaseData(new PepNetOptions { TowerWidths = [16, 8], GateWidth = 8, Dropout = 0.2f }, 2, "fixed", true).SetName("PEPNet, 2 threads");
        yield return new TestCaseData(mmoe, 1, "fixed", true).SetName("MMoE, domain-conditioned gates, 1 thread");
    }

    [TestCaseSource(nameof(Cases))]
    public void MoreEpochs_AllocateNothingPerMiniBatch(NetworkOptions network, int threads, string weighting, bool domains = false)
    {
        var layout = domains ? new MlNetMtl.Networks.Domains.DomainLayout("tab", 0, ["a", "b", "c"]) : null;
        var generator = new SyntheticTaskGenerator(new SyntheticTaskOptions { Dimension = 30, Kind = TaskKind.Binary });
        var small = generator.Generate(Rows, 3);
        var large = generator.Generate(4 * Rows, 3);
        long Allocated(MultiTaskDataset data, int epochs)
        {
            var options = new TrainerOptions { Epochs = epochs, BatchSize = BatchSize, Threads = threads, EarlyStoppingPatience = 0, Weighting = LossWeighting.Create(weighting) };
            long before = GC.GetTotalAllocatedBytes(precise: true);
            new MultiTaskTrainer(network, options, domains: layout).Fit(data);
            return GC.GetTotalAllocatedBytes(precise: true) - before;
        }
        // The runtime allocates too, at times of its own: tens of KB a run while the first test of the process warms its code up,
        // up to ~2 KB a run later. Each of the four runs' bytes is the least of five, after two warm-ups (the first test's runs settle
        // after three or four), so that none of them carries the runtime's share; the difference is spread over 4 × 108 extra
        // mini-batches (4× the rows), where one object per step would be ≥ 10 KB.
        Allocated(large, 6);
        Allocated(large, 6);
        var least = new[] { long.MaxValue, long.MaxValue, long.MaxValue, long.MaxValue };
        for (int trial = 0; trial < 5; trial++)
        {
            least[0] = Math.Min(least[0], Allocated(large, 6));
            least[1] = Math.Min(least[1], Allocated(large, 2));
            least[2] = Math.Min(least[2], Allocated(small, 6));
            least[3] = Math.Min(least[3], Allocated(small, 2));
        }
        long extra = least[0] - least[1] - (least[2] - least[3]);
        int extraBatches = 4 * (3 * Rows * 9 / 10 / BatchSize);
        double perBatch = extra / (double)extraBatches;
        // Any object allocated per step costs ≥ 24 B per mini-batch; a few hundred bytes in all come from the runtime's own bookkeeping.
        Assert.That(perBatch, Is.LessThan(8), $"{extra:N0} B for {extraBatches} more mini-batches ({perBatch:F1} B per mini-batch): something allocates per step");
    }
}
