using MlNetMtl.Data;
using MlNetMtl.Networks.Encoders;
using MlNetMtl.Training;

namespace MlNetMtl.Benchmarks;

/// <summary>
/// What the second core adds: training throughput of W-SB, W-MMoE (<see cref="DenseWorkload"/>) and W-EMB
/// (<see cref="EmbeddingWorkload"/>) at batches 256 and 2,048 on 1 and 2 threads. Each run trains 4 epochs of 65,536 rows and
/// keeps its fastest epoch after the first (which pays for building the network and first touches of its memory); 1 and
/// 2 threads alternate, the best of <c>repeats</c> rounds is kept, so a burst of another tenant's load on this shared
/// machine costs a round, not the figure. BenchmarkDotNet's in-process toolchain does not take epochs this long.
/// Run: <c>dotnet run -c Release --project benchmarks/MlNetMtl.Benchmarks -- scaling [repeats]</c> (3 by default).
/// </summary>
internal static class TwoCoreScaling
{
    private const int Epochs = 4;

    public static void Run(string[] args)
    {
        int repeats = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3;
        var dense = new Lazy<MultiTaskDataset>(DenseWorkload.Generate);
        var embedding = new Lazy<MultiTaskDataset>(() => EmbeddingWorkload.Generate(DenseWorkload.Rows));
        Console.WriteLine("| network, batch | 1 thread | 2 threads | scaling |");
        Console.WriteLine("|---|---|---|---|");
        foreach (string network in new[] { "W-SB", "W-MMoE", "W-EMB" })
            foreach (int batch in new[] { 256, 2048 })
            {
                double one = 0, two = 0;
                for (int round = 0; round < repeats; round++)
                {
                    one = Math.Max(one, SamplesPerSecond(network, batch, threads: 1, network == "W-EMB" ? embedding.Value : dense.Value));
                    two = Math.Max(two, SamplesPerSecond(network, batch, threads: 2, network == "W-EMB" ? embedding.Value : dense.Value));
                }
                Console.WriteLine($"| {network}, {batch} | {one:N0} samples/s | {two:N0} | {two / one:F2}x |");
            }
    }

    private static double SamplesPerSecond(string network, int batch, int threads, MultiTaskDataset data)
    {
        var options = new TrainerOptions { Epochs = Epochs, BatchSize = batch, ValidationFraction = 0, Threads = threads, EarlyStoppingPatience = 0 };
        var trainer = network == "W-EMB"
            ? new MultiTaskTrainer(EmbeddingWorkload.Network(TableOptimizer.Training), options, EmbeddingWorkload.Fields)
            : new MultiTaskTrainer(DenseWorkload.Network(network), options);
        var epochs = trainer.Fit(data).Epochs;
        return data.Rows / epochs.Skip(1).Min(e => e.Elapsed.TotalSeconds);
    }
}
