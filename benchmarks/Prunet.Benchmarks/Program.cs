using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Prunet.Benchmarks -- --filter '*'            (full)
// dotnet run -c Release --project benchmarks/Prunet.Benchmarks -- --filter '*' --job short (a few minutes)
BenchmarkSwitcher.FromAssembly(typeof(Prunet.Benchmarks.DigitsBenchmarks).Assembly).Run(args);
