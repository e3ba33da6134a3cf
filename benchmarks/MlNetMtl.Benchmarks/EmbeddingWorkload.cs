using MlNetMtl.Data;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Networks.Encoders;

namespace MlNetMtl.Benchmarks;

/// <summary>
/// The W-EMB workload of ../shared/tools/torch-anchor: 26 id fields of 100,000 ids each (power-law frequencies, id = ⌊10⁵·u³⌋)
/// and 13 dense features (one vector field, embedded by a learned 13 × 16 projection: 27 × 16 = 432 inputs against the anchor's
/// 26 × 16 + 13 = 429) → 256 → 128 shared, towers 128 → 64 → 1, two binary tasks.
/// </summary>
internal static class EmbeddingWorkload
{
    public const int IdFields = 26, Ids = 100_000, Dense = 13;

    /// <summary>The fields: one per id column, then the dense vector.</summary>
    public static FieldLayout Fields { get; } = new([.. Enumerable.Range(0, IdFields).Select(f => new Field($"id{f}", f * Ids, Ids, FieldKind.Categorical)),
        new Field("dense", IdFields * Ids, Dense, FieldKind.Vector)]);

    /// <summary>W-EMB's layers with embeddings of 16 and no interaction, the table updated by <paramref name="table"/>.</summary>
    public static SharedBottomOptions Network(TableOptimizer table) => new()
    {
        BottomWidths = [256, 128], TowerWidths = [64],
        Encoder = new EncoderOptions { Encoding = InputEncoding.Embedding, EmbeddingSize = 16, Interaction = FeatureInteraction.None, EmbeddingL2 = 0, TableOptimizer = table },
    };

    /// <summary><paramref name="rows"/> rows of ids and dense features with two labels, from a fixed seed.</summary>
    public static MultiTaskDataset Generate(int rows)
    {
        var random = new Random(3);
        int perRow = IdFields + Dense;
        var starts = new int[rows + 1];
        var indices = new int[rows * perRow];
        var values = new float[rows * perRow];
        float[][] labels = [new float[rows], new float[rows]];
        for (int r = 0; r < rows; r++)
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
        return new MultiTaskDataset(new SparseFeatures(starts, indices, values, IdFields * Ids + Dense),
            [new TaskDefinition("click", TaskKind.Binary), new TaskDefinition("like", TaskKind.Binary)], labels);
    }
}
