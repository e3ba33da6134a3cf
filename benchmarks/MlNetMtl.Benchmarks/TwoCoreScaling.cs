using MlNetMtl.Data;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Encoders;
using MlNetMtl.Training;
using MlNetMtl.Training.Distributed;

namespace MlNetMtl.Benchmarks;

/// <summary>
/// What the second core adds: training throughput of W-SB, W-MMoE (<see cref="DenseWorkload"/>) and W-EMB
/// (<see cref="EmbeddingWorkload"/>) at batches 256 and 2,048 on 1 and 2 threads. Each run trains 4 epochs of 65,536 rows and
/// keeps its fastest epoch after the first (which pays for building the network and first touches of its memory); 1 and
/// 2 threads alternate, the best of <c>repeats</c> rounds is kept, so a burst of another tenant's load on this shared
/// machine costs a round, not the figure. BenchmarkDotNet's in-process toolchain does not take epochs this long. The
/// machine's own limit is measured beside them: two one-thread runs at once, independent (nothing shared but the data
/// read), their throughputs summed — what two cores give work that never synchronises.
/// Run: <c>dotnet run -c Release --project benchmarks/MlNetMtl.Benchmarks -- scaling [repeats [network [batch]]]</c> (3
/// rounds by default; every network and batch unless named, e.g. <c>scaling 3 W-SB 256</c>). Over MPI
/// processes instead of threads: <c>mpiexec -n 2 dotnet benchmarks/MlNetMtl.Benchmarks/bin/Release/net10.0/MlNetMtl.Benchmarks.dll scaling-mpi [repeats]</c>
/// (rank 0 times one thread alone while rank 1 waits, then both train as two processes; with the bytes each process sends
/// per step; a network and batch may be named as for <c>scaling</c>).
/// </summary>
internal static class TwoCoreScaling
{
    private const int Epochs = 4;

    public static void Run(string[] args)
    {
        int repeats = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3;
        var dense = new Lazy<MultiTaskDataset>(DenseWorkload.Generate);
        var embedding = new Lazy<MultiTaskDataset>(() => EmbeddingWorkload.Generate(DenseWorkload.Rows));
        Console.WriteLine("| network, batch | 1 thread | 2 threads | scaling | two 1-thread runs at once | their scaling |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (string network in Networks(args))
            foreach (int batch in Batches(args))
            {
                var data = network == "W-EMB" ? embedding.Value : dense.Value;
                double one = 0, two = 0, pair = 0;
                for (int round = 0; round < repeats; round++)
                {
                    one = Math.Max(one, SamplesPerSecond(network, batch, threads: 1, data));
                    two = Math.Max(two, SamplesPerSecond(network, batch, threads: 2, data));
                    var runs = new[] { Task.Run(() => SamplesPerSecond(network, batch, threads: 1, data)), Task.Run(() => SamplesPerSecond(network, batch, threads: 1, data)) };
                    pair = Math.Max(pair, runs.Sum(run => run.Result));
                }
                Console.WriteLine($"| {network}, {batch} | {one:N0} samples/s | {two:N0} | {two / one:F2}x | {pair:N0} | {pair / one:F2}x |");
            }
    }

    public static void RunOverMpi(string[] args)
    {
        int repeats = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3;
        var world = Mpi.Connect(TimeSpan.FromMinutes(10));
        var dense = new Lazy<MultiTaskDataset>(DenseWorkload.Generate);
        var embedding = new Lazy<MultiTaskDataset>(() => EmbeddingWorkload.Generate(DenseWorkload.Rows));
        if (world.Rank == 0)
        {
            Console.WriteLine($"| network, batch | 1 thread | {world.Size} processes | scaling | sent per process and step |");
            Console.WriteLine("|---|---|---|---|---|");
        }
        foreach (string network in Networks(args))
            foreach (int batch in Batches(args))
            {
                var data = network == "W-EMB" ? embedding.Value : dense.Value;
                double one = 0, many = 0;
                for (int round = 0; round < repeats; round++)
                {
                    if (world.Rank == 0)
                        one = Math.Max(one, SamplesPerSecond(network, batch, threads: 1, data));
                    world.Broadcast(new float[1], root: 0, "the end of rank 0's one-thread run"); // the others wait here meanwhile
                    many = Math.Max(many, SamplesPerSecond(network, batch, threads: 1, data, world));
                }
                if (world.Rank == 0)
                    Console.WriteLine($"| {network}, {batch} | {one:N0} samples/s | {many:N0} | {many / one:F2}x | {SentPerStep(network, batch, data, world.Size) / 1024.0:N0} KiB |");
            }
    }

    /// <summary>The networks to time: the one named after the repeats, or all.</summary>
    private static IEnumerable<string> Networks(string[] args) => new[] { "W-SB", "W-MMoE", "W-EMB" }.Where(n => args.Length < 3 || n == args[2]);

    /// <summary>The batch sizes to time: the one named after the network, or both.</summary>
    private static IEnumerable<int> Batches(string[] args) =>
        new[] { 256, 2048 }.Where(b => args.Length < 4 || b.ToString(System.Globalization.CultureInfo.InvariantCulture) == args[3]);

    /// <summary>
    /// Bytes one of <paramref name="processes"/> sends in a step: of the dense gradient (G values), its other parts in the
    /// reduce-scatter and its part's sum to each other process in the all-gather, 2·G·(N−1)/N values; of a row-sparse one,
    /// its shard's touched rows (number and values) to each other process — counted over the epoch's batches in data order.
    /// </summary>
    private static double SentPerStep(string network, int batch, MultiTaskDataset data, int processes)
    {
        var net = network == "W-EMB"
            ? MultiTaskNetwork.Create(data.Features.Dimension, data.Tasks, EmbeddingWorkload.Network(TableOptimizer.Training), fields: EmbeddingWorkload.Fields)
            : MultiTaskNetwork.Create(data.Features.Dimension, data.Tasks, DenseWorkload.Network(network));
        // W-EMB's embedding table (the parameter of most rows) is exchanged as rows; every other parameter is dense.
        var table = data.Features is SparseFeatures ? net.Parameters.MaxBy(p => p.Rows) : null;
        long denseValues = net.Parameters.Where(p => p != table).Sum(p => (long)p.Value.Length);
        double bytes = 2.0 * denseValues * (processes - 1) / processes * sizeof(float);
        if (data.Features is SparseFeatures rows && table is not null)
        {
            int width = table.Columns;
            double touched = 0;
            int shards = 0;
            for (int start = 0; start + batch <= data.Rows; start += batch)
            {
                var (first, count) = WorkParts.Range(0, processes, batch); // one process's shard of the batch
                var distinct = new HashSet<int>();
                for (int r = start + first; r < start + first + count; r++)
                    for (int p = rows.RowStarts[r]; p < rows.RowStarts[r + 1]; p++)
                        if (rows.Indices[p] < table.Rows)
                            distinct.Add(rows.Indices[p]);
                touched += distinct.Count;
                shards++;
            }
            bytes += (processes - 1) * (touched / shards) * (width + 1) * sizeof(float);
        }
        return bytes;
    }

    private static double SamplesPerSecond(string network, int batch, int threads, MultiTaskDataset data, Communicator? processes = null)
    {
        var options = new TrainerOptions { Epochs = Epochs, BatchSize = batch, ValidationFraction = 0, Threads = threads, EarlyStoppingPatience = 0, Distributed = processes };
        var trainer = network == "W-EMB"
            ? new MultiTaskTrainer(EmbeddingWorkload.Network(TableOptimizer.Training), options, EmbeddingWorkload.Fields)
            : new MultiTaskTrainer(DenseWorkload.Network(network), options);
        var epochs = trainer.Fit(data).Epochs;
        return data.Rows / epochs.Skip(1).Min(e => e.Elapsed.TotalSeconds);
    }
}
