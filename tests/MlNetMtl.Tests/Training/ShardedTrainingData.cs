using MlNetMtl.Data;
using MlNetMtl.Data.Synthetic;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Networks.Encoders;

namespace MlNetMtl.Tests.Training;

/// <summary>The data sets and networks the thread- and process-parallel training tests compare one worker against several on.</summary>
internal static class ShardedTrainingData
{
    /// <summary>20 dense features, two binary tasks.</summary>
    public static MultiTaskDataset Dense(int rows) =>
        new SyntheticTaskGenerator(new SyntheticTaskOptions { Dimension = 20, Kind = TaskKind.Binary }).Generate(rows, 1);

    /// <summary>One "user" and one "item" id per row, one-hot over 600 columns; a task of each.</summary>
    public static MultiTaskDataset Sparse(int rows)
    {
        var random = new Random(4);
        var starts = new int[rows + 1];
        var indices = new int[rows * 2];
        float[] a = new float[rows], b = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            int user = random.Next(500), item = random.Next(100);
            indices[2 * r] = user;
            indices[2 * r + 1] = 500 + item;
            starts[r + 1] = 2 * (r + 1);
            a[r] = user % 3 == 0 ? 1f : 0f;
            b[r] = item % 2 == 0 ? 1f : 0f;
        }
        return new MultiTaskDataset(new SparseFeatures(starts, indices, Enumerable.Repeat(1f, rows * 2).ToArray(), 600),
            [new TaskDefinition("a", TaskKind.Binary), new TaskDefinition("b", TaskKind.Binary)], [a, b]);
    }

    /// <summary><see cref="Sparse"/>'s two id fields, for the embedding encoder.</summary>
    public static readonly FieldLayout SparseFields = new([new Field("user", 0, 500, FieldKind.Categorical), new Field("item", 500, 100, FieldKind.Categorical)]);

    /// <summary>The small networks those tests train, by name.</summary>
    public static NetworkOptions Architecture(string name) => name switch
    {
        "SharedBottom" => new SharedBottomOptions { BottomWidths = [24, 12], TowerWidths = [8] },
        "Dropout" => new SharedBottomOptions { BottomWidths = [24, 12], TowerWidths = [8], Dropout = 0.3f },
        "Embedding" => new SharedBottomOptions { BottomWidths = [12], TowerWidths = [6], Encoder = new EncoderOptions { Encoding = InputEncoding.Embedding, EmbeddingSize = 4 } },
        "EmbeddingAdagrad" => new SharedBottomOptions
        {
            BottomWidths = [12], TowerWidths = [6], Encoder = new EncoderOptions { Encoding = InputEncoding.Embedding, EmbeddingSize = 4, TableOptimizer = TableOptimizer.RowWiseAdagrad },
        },
        "MMoE" => new MmoeOptions { ExpertCount = 3, ExpertWidths = [12], TowerWidths = [6] },
        "PLE" => new PleOptions { Levels = 2, SharedExperts = 1, TaskExperts = 1, ExpertWidths = [10], TowerWidths = [6] },
        "AITM" => new AitmOptions { BottomWidths = [16], TowerWidths = [8, 8] },
        _ => throw new ArgumentException(name),
    };
}
