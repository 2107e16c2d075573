using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using Perfolizer.Horology;
using Prunet.Benchmarks;

// dotnet run -c Release --project benchmarks/Prunet.Benchmarks -- --filter '*'   every benchmark, BenchmarkDotNet's default job
// dotnet run -c Release --project benchmarks/Prunet.Benchmarks -- --short        every benchmark, short job (a few minutes)
// dotnet run -c Release --project benchmarks/Prunet.Benchmarks -- --first-call   first calls in fresh processes (JIT included)
if (args.Length > 0 && args[0] == "--first-call")
{
    return WarmupProbe.Run(args);
}

if (args.Length > 0 && args[0] == "--short")
{
    // One process per benchmark, 2 warm-up and 5 measured iterations of about 80 ms each.
    IConfig config = DefaultConfig.Instance.AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(5).WithIterationTime(TimeInterval.FromMilliseconds(80)).AsDefault());
    BenchmarkSwitcher.FromAssembly(typeof(FashionBenchmarks).Assembly).Run(args.Length > 1 ? args[1..] : new[] { "--filter", "*" }, config);
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(FashionBenchmarks).Assembly).Run(args);
return 0;
