using MlNetMtl.Data;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Architectures;

namespace MlNetMtl.Benchmarks;

/// <summary>
/// The dense reference workload of ../shared/design/performance.md: 512 uniform inputs, two binary tasks; W-SB = 512 → 256 → 128
/// shared, towers 128 → 64 → 1; W-MMoE = 8 experts 512 → 128 → 64, a softmax gate per task, towers 64 → 32 → 1.
/// </summary>
internal static class DenseWorkload
{
    public const int Rows = 65_536, Inputs = 512;

    /// <summary>W-SB or W-MMoE.</summary>
    public static NetworkOptions Network(string name) => name == "W-SB"
        ? new SharedBottomOptions { BottomWidths = [256, 128], TowerWidths = [64] }
        : new MmoeOptions { ExpertCount = 8, ExpertWidths = [128, 64], TowerWidths = [32] };

    /// <summary><see cref="Rows"/> rows from a fixed seed.</summary>
    public static MultiTaskDataset Generate()
    {
        var random = new Random(3);
        var features = Enumerable.Range(0, Rows * Inputs).Select(_ => random.NextSingle() * 2 - 1).ToArray();
        float[][] labels = [new float[Rows], new float[Rows]];
        for (int r = 0; r < Rows; r++)
        {
            labels[0][r] = features[r * Inputs] > 0 ? 1f : 0f;
            labels[1][r] = features[r * Inputs + 1] + features[r * Inputs + 2] > 0 ? 1f : 0f;
        }
        return new MultiTaskDataset(new DenseFeatures(features, Rows, Inputs),
            [new TaskDefinition("click", TaskKind.Binary), new TaskDefinition("like", TaskKind.Binary)], labels);
    }
}
