using MlNetMtl.Data;
using MlNetMtl.Data.Synthetic;
using MlNetMtl.Networks.Encoders;

namespace MlNetMtl.Tests.Training;

/// <summary>The data sets the thread- and process-parallel training tests compare one worker against several on.</summary>
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
}
