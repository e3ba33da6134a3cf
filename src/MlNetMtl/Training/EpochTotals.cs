using MlNetMtl.Training.Checkpoints;

namespace MlNetMtl.Training;

/// <summary>An epoch's running totals: each task's loss and weight sums, its loss multipliers' sum, and the mini-batches so far.</summary>
internal sealed class EpochTotals(int tasks)
{
    public double[] Sums { get; } = new double[tasks];
    public double[] Weights { get; } = new double[tasks];
    public double[] Multipliers { get; } = new double[tasks];
    public int Batches { get; private set; }

    public void Clear()
    {
        Array.Clear(Sums);
        Array.Clear(Weights);
        Array.Clear(Multipliers);
        Batches = 0;
    }

    /// <summary>Adds a mini-batch's loss and weight sums and the multipliers it was trained with.</summary>
    public void Add(ReadOnlySpan<double> sums, ReadOnlySpan<double> weights, ReadOnlySpan<float> multipliers)
    {
        for (int t = 0; t < Sums.Length; t++)
        {
            Sums[t] += sums[t];
            Weights[t] += weights[t];
            Multipliers[t] += multipliers[t];
        }
        Batches++;
    }

    public void Write(BinaryWriter writer)
    {
        writer.WriteDoubles(Sums);
        writer.WriteDoubles(Weights);
        writer.WriteDoubles(Multipliers);
        writer.Write(Batches);
    }

    /// <exception cref="InvalidDataException">The totals are of another run.</exception>
    public void Read(BinaryReader reader)
    {
        reader.ReadDoubles(Sums, "the epoch's loss sums");
        reader.ReadDoubles(Weights, "the epoch's weight sums");
        reader.ReadDoubles(Multipliers, "the epoch's multiplier sums");
        Batches = reader.ReadInt32();
    }
}
