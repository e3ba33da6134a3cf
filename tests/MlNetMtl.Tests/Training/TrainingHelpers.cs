using MlNetMtl.Data;
using MlNetMtl.Networks;

namespace MlNetMtl.Tests.Training;

internal static class TrainingHelpers
{
    /// <summary>Every parameter's values as bytes, for comparing two networks to the bit.</summary>
    public static byte[] Bits(MultiTaskNetwork network) =>
        network.Parameters.SelectMany(p => p.Values.ToArray()).SelectMany(BitConverter.GetBytes).ToArray();

    /// <summary>Scores of every row of a data set, by task then row.</summary>
    public static float[][] Scores(MultiTaskNetwork network, MultiTaskDataset data)
    {
        var flat = new float[data.Rows * data.Tasks.Count];
        switch (data.Features)
        {
            case DenseFeatures dense: network.Predict(InputBatch.FromDense(dense.Values, dense.Rows, dense.Dimension), flat); break;
            case SparseFeatures sparse: network.Predict(InputBatch.FromSparse(sparse.AsCsr()), flat); break;
        }
        return Enumerable.Range(0, data.Tasks.Count)
            .Select(t => Enumerable.Range(0, data.Rows).Select(r => flat[r * data.Tasks.Count + t]).ToArray()).ToArray();
    }

    public static double MeanSquaredError(float[] predictions, float[] labels) =>
        predictions.Zip(labels, (p, y) => ((double)p - y) * ((double)p - y)).Average();

    public static double Variance(float[] values)
    {
        double mean = values.Average();
        return values.Average(v => (v - mean) * (v - mean));
    }
}
