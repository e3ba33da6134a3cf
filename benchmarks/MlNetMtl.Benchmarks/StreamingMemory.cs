using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data;
using MlNetMtl.MLNet;
using MlNetMtl.Networks.Architectures;

namespace MlNetMtl.Benchmarks;

/// <summary>
/// Peak working set of training from an ML.NET binary <c>.idv</c> file, streamed through a shuffle buffer or read into
/// memory, for 200k and 2M generated rows (64 features, two binary tasks): each run in a fresh process, so its peak is
/// its own. Run: <c>dotnet run -c Release --project benchmarks/MlNetMtl.Benchmarks -- streaming-memory</c>.
/// </summary>
internal static class StreamingMemory
{
    private const int Width = 64, BufferRows = 50_000;

    public static void Run(string[] args)
    {
        if (args is ["streaming-child", var childPath, var childMode])
        {
            Child(childPath, childMode);
            return;
        }
        string directory = Path.Combine(Path.GetTempPath(), "mlnet-mtl-streaming");
        Directory.CreateDirectory(directory);
        Console.WriteLine($"| rows | .idv size | mode | peak working set | training time |");
        Console.WriteLine($"|---|---|---|---|---|");
        foreach (int rows in new[] { 200_000, 2_000_000 })
        {
            string path = Path.Combine(directory, $"rows-{rows}.idv");
            if (!File.Exists(path))
                Generate(path, rows);
            foreach (string mode in new[] { "streaming", "in-memory" })
            {
                var start = new ProcessStartInfo("dotnet", [typeof(StreamingMemory).Assembly.Location, "streaming-child", path, mode]) { RedirectStandardOutput = true };
                using var child = Process.Start(start)!;
                string line = child.StandardOutput.ReadToEnd().Trim();
                child.WaitForExit();
                Console.WriteLine($"| {rows:N0} | {new FileInfo(path).Length / (1 << 20):N0} MiB | {mode}{(mode == "streaming" ? $" (buffer {BufferRows:N0})" : "")} | {line} |");
            }
        }
    }

    private static void Child(string path, string mode)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromBinary(path);
        var clock = Stopwatch.StartNew();
        ml.MultiTask().Network(new MultiTaskNetworkTrainerOptions
        {
            Tasks = [new TaskColumn("a", "A", TaskKind.Binary), new TaskColumn("b", "B", TaskKind.Binary)],
            ShuffleBufferRows = mode == "streaming" ? BufferRows : null,
            Network = new SharedBottomOptions { BottomWidths = [128, 64], TowerWidths = [32] },
            Training = new() { Epochs = 1, BatchSize = 256 },
        }).Fit(data);
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        Console.WriteLine($"{self.PeakWorkingSet64 / (1 << 20):N0} MiB | {clock.Elapsed.TotalSeconds:F1} s");
    }

    private static void Generate(string path, int rows)
    {
        var ml = new MLContext(seed: 1);
        var view = ml.Data.LoadFromEnumerable(Rows(rows));
        string partial = path + ".partial";
        using (var file = File.Create(partial))
            ml.Data.SaveAsBinary(view, file, keepHidden: false);
        File.Move(partial, path, overwrite: true);
    }

    private static IEnumerable<Row> Rows(int rows)
    {
        var random = new Random(7);
        for (int r = 0; r < rows; r++)
        {
            var features = new float[Width];
            for (int i = 0; i < Width; i++)
                features[i] = random.NextSingle() * 2 - 1;
            yield return new Row { Features = features, A = features[0] + features[1] > 0, B = features[2] * features[3] > 0 };
        }
    }

    private sealed class Row
    {
        [VectorType(Width)]
        public float[] Features { get; set; } = [];
        public bool A { get; set; }
        public bool B { get; set; }
    }
}
