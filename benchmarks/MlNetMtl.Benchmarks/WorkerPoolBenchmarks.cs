using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using MlNetMtl.Training;

namespace MlNetMtl.Benchmarks;

/// <summary>
/// What a round of the data-parallel <see cref="WorkerPool"/> costs beyond its work: a round of two ~50 µs parts, then a
/// serial gap on the calling thread (what a training step does between its rounds), against one part and the gap on
/// the calling thread alone (the baseline) — for a pool whose waiting threads block at once and for one that spins
/// first (<see cref="WorkerPool.DefaultSpinTime"/>). Run: <c>dotnet run -c Release --project benchmarks/MlNetMtl.Benchmarks -- --filter '*WorkerPool*'</c>.
/// </summary>
[Config(typeof(Config))]
public class WorkerPoolBenchmarks
{
    private sealed class Config : ManualConfig
    {
        public Config() => AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(10));
    }

    private readonly double[] _sink = new double[2];
    private WorkerPool _blocking = null!, _spinning = null!;
    private Action<int> _part = null!;

    /// <summary>Square roots in the serial gap after each round (~5 and ~85 µs here).</summary>
    [Params(2_000, 40_000)]
    public int Gap { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _blocking = new WorkerPool(2, TimeSpan.Zero);
        _spinning = new WorkerPool(2);
        _part = part => _sink[part] += Work(20_000, part);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _blocking.Dispose();
        _spinning.Dispose();
    }

    private static double Work(int roots, int offset)
    {
        double sum = 0;
        for (int i = 0; i < roots; i++)
            sum += Math.Sqrt(i + offset);
        return sum;
    }

    [Benchmark(Baseline = true, Description = "one part and the gap, calling thread")]
    public double OnePart()
    {
        _part(0);
        return Work(Gap, 0);
    }

    [Benchmark(Description = "round of two parts and the gap, blocking pool")]
    public double Blocking()
    {
        _blocking.Run(_part, 2);
        return Work(Gap, 0);
    }

    [Benchmark(Description = "round of two parts and the gap, spinning pool")]
    public double Spinning()
    {
        _spinning.Run(_part, 2);
        return Work(Gap, 0);
    }
}
