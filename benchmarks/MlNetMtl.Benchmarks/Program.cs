using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/MlNetMtl.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
