using BenchmarkDotNet.Running;
using MlNetMtl.Benchmarks;

// dotnet run -c Release --project benchmarks/MlNetMtl.Benchmarks -- --filter '*'
// dotnet run -c Release --project benchmarks/MlNetMtl.Benchmarks -- streaming-memory
// dotnet run -c Release --project benchmarks/MlNetMtl.Benchmarks -- scaling [repeats]
if (args is ["streaming-memory"] or ["streaming-child", ..])
    StreamingMemory.Run(args);
else if (args is ["scaling", ..])
    TwoCoreScaling.Run(args);
else
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
