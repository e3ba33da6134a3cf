using BenchmarkDotNet.Running;
using MlNetMtl.Benchmarks;

// dotnet run -c Release --project benchmarks/MlNetMtl.Benchmarks -- --filter '*'
// dotnet run -c Release --project benchmarks/MlNetMtl.Benchmarks -- streaming-memory
// dotnet run -c Release --project benchmarks/MlNetMtl.Benchmarks -- scaling [repeats]
// mpiexec -n 2 dotnet benchmarks/MlNetMtl.Benchmarks/bin/Release/net10.0/MlNetMtl.Benchmarks.dll scaling-mpi [repeats]
if (args is ["streaming-memory"] or ["streaming-child", ..])
    StreamingMemory.Run(args);
else if (args is ["scaling", ..])
    TwoCoreScaling.Run(args);
else if (args is ["scaling-mpi", ..])
    TwoCoreScaling.RunOverMpi(args);
else
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
