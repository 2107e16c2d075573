using System.Diagnostics;

namespace Prunet.Benchmarks;

/// <summary>
/// What the first calls cost in a fresh process (JIT included): the first call, each of calls 2
/// to 100, and the steady state after 220,000 calls, for generated networks of every size and for
/// one plain vector loop (the runtime's own floor).
/// <c>--first-call</c> starts one child process per class, so that every one is measured fresh.
/// </summary>
internal static class WarmupProbe
{
    private static readonly Dictionary<string, Action<float[], float[]>> Networks = new()
    {
        ["Fashion90Auto"] = (x, y) => Fashion90Auto.Predict(x, y),
        ["Fashion90SparseRows"] = (x, y) => Fashion90SparseRows.Predict(x, y),
        ["Fashion90SparseColumns"] = (x, y) => Fashion90SparseColumns.Predict(x, y),
        ["Fashion95Auto"] = (x, y) => Fashion95Auto.Predict(x, y),
        ["FashionBlock90Auto"] = (x, y) => FashionBlock90Auto.Predict(x, y),
        ["FashionBlock90DenseSimd"] = (x, y) => FashionBlock90DenseSimd.Predict(x, y),
        ["DigitsDenseAuto"] = (x, y) => DigitsDenseAuto.Predict(x, y),
        ["DigitsDenseAutoPerLayer"] = (x, y) => DigitsDenseAutoPerLayer.Predict(x, y),
        ["MpgAuto"] = (x, y) => MpgAuto.Predict(x, y),
        ["MpgAutoPerLayer"] = (x, y) => MpgAutoPerLayer.Predict(x, y),
        // Not a network: the runtime's own first-call floor for vector code, the one thing every
        // SIMD kernel pays in a fresh process whatever the generator emits.
        ["OneVectorLoop"] = (x, y) => y[0] = OneVectorLoop(x),
        // Not a network either: only the two vector types the kernels use, loaded, no loop. Under
        // ReadyToRun (precompiled, no JIT) this row is the once-per-process cost of the types alone.
        ["VectorTypesOnly"] = (x, y) => y[0] = VectorTypesOnly(x),
    };

    /// <summary>One value through <c>Vector256&lt;float&gt;</c> and <c>Vector256&lt;int&gt;</c> and back: no loop, no AggressiveOptimization.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static float VectorTypesOnly(float[] x)
    {
        return System.Runtime.Intrinsics.Vector256.ToScalar(System.Runtime.Intrinsics.Vector256.AsSingle(System.Runtime.Intrinsics.Vector256.AsInt32(System.Runtime.Intrinsics.Vector256.Create(x[0]))));
    }

    /// <summary>One loop of Vector256 multiply-adds over the input: about 20 lines of IL.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static float OneVectorLoop(float[] x)
    {
        var sum = System.Runtime.Intrinsics.Vector256<float>.Zero;
        for (int i = 0; i + 8 <= x.Length; i += 8)
        {
            sum += System.Runtime.Intrinsics.Vector256.Create(x, i) * System.Runtime.Intrinsics.Vector256.Create(0.5f);
        }

        return System.Runtime.Intrinsics.Vector256.Sum(sum);
    }

    public static int Run(string[] args)
    {
        if (args.Length > 1)
        {
            return Measure(args[1], args.Length > 2 && args[2] == "warm");
        }

        Console.WriteLine("network | first call (µs, JIT included) | of which JIT (µs, methods compiled) | calls 2-100: median / worst (× steady) | calls above 2× (call: × steady) | steady state (ns)");
        foreach (string mode in new[] { "cold", "warm" })
        {
            Console.WriteLine(mode == "cold" ? "-- fresh process" : "-- fresh process, after one call of another generated network (MpgSparseRows)");
            foreach (string name in Networks.Keys)
            {
                var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
                // Under `dotnet app.dll` the child needs the assembly; under the app host (dotnet run) and
                // Native AOT (Prunet.AotProbe) the process is the app.
                if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
                {
                    start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, typeof(WarmupProbe).Assembly.GetName().Name + ".dll"));
                }

                start.ArgumentList.Add("--first-call");
                start.ArgumentList.Add(name);
                start.ArgumentList.Add(mode);
                using Process child = Process.Start(start)!;
                Console.Write(child.StandardOutput.ReadToEnd());
                child.WaitForExit();
            }
        }

        return 0;
    }

    /// <summary>Where <see cref="WarmTimingMethods"/> leaves its results, so that no call is dropped.</summary>
    private static double _timingSink;

    /// <summary>
    /// Calls every method the timing of calls 1 to 100 uses, once: between the first call and call 2
    /// the probe itself then does no first-time work (JIT, type loading, fixups) of its own.
    /// </summary>
    private static void WarmTimingMethods()
    {
        long start = Stopwatch.GetTimestamp();
        _timingSink += Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        _timingSink += Stopwatch.GetElapsedTime(start).TotalNanoseconds;
        TimeSpan jit = System.Runtime.JitInfo.GetCompilationTime(currentThread: true);
        _timingSink += (System.Runtime.JitInfo.GetCompilationTime(currentThread: true) - jit).TotalMicroseconds;
        _timingSink += System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: true);
    }

    private static int Measure(string name, bool warm)
    {
        Action<float[], float[]> predict = Networks[name];
        int size = name.StartsWith("Mpg", StringComparison.Ordinal) ? 8 : name.StartsWith("Digits", StringComparison.Ordinal) ? 64 : 784; // Fashion-MNIST, OneVectorLoop and VectorTypesOnly: 784
        var rng = new Random(1);
        float[][] rows = Enumerable.Range(0, 128).Select(_ => Enumerable.Range(0, size).Select(i => rng.Next(2) == 0 ? 0f : rng.Next(256)).Select(v => (float)v).ToArray()).ToArray();
        var output = new float[10];
        var y = new float[name.StartsWith("Mpg", StringComparison.Ordinal) ? 1 : 10];

        if (warm)
        {
            // Another generated network first (same shapes of code, different class): what is left
            // is this network's own JIT and type loading, not the runtime's first use of spans,
            // vectors and constant data.
            var other = new float[8];
            MpgSparseRows.Predict(other, new float[1]);
        }

        var calls = new double[99];
        WarmTimingMethods();
        TimeSpan jit0 = System.Runtime.JitInfo.GetCompilationTime(currentThread: true);
        long methods0 = System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: true);
        long t0 = Stopwatch.GetTimestamp();
        predict(rows[0], y);
        double first = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
        double jit = (System.Runtime.JitInfo.GetCompilationTime(currentThread: true) - jit0).TotalMicroseconds;
        long methods = System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: true) - methods0;
        for (int n = 0; n < calls.Length; n++)
        {
            long t = Stopwatch.GetTimestamp();
            predict(rows[(n + 1) & 127], y);
            calls[n] = Stopwatch.GetElapsedTime(t).TotalNanoseconds;
        }

        for (int n = 0; n < 200_000; n++)
        {
            predict(rows[n & 127], y);
        }

        Thread.Sleep(200); // let a background tier-1 compilation finish
        for (int n = 0; n < 20_000; n++)
        {
            predict(rows[n & 127], y);
        }

        const int Steady = 20_000;
        long s = Stopwatch.GetTimestamp();
        for (int n = 0; n < Steady; n++)
        {
            predict(rows[n & 127], y);
        }

        double steady = Stopwatch.GetElapsedTime(s).TotalNanoseconds / Steady;
        // Which calls were slower than 2× steady state: call 2 is usually one, reading back from
        // memory the tables that the runtime's first-call work (JIT, type loading) between the
        // first call's layers evicted from the caches.
        // (For the tiny networks, a call is a few timer ticks: most of their entries are the timer's resolution.)
        string[] slowCalls = Enumerable.Range(0, calls.Length).Where(n => calls[n] > 2 * steady).Select(n => (n + 2) + ":" + (calls[n] / steady).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + "×").ToArray();
        string slow = string.Join(" ", slowCalls.Take(8)) + (slowCalls.Length > 8 ? " and " + (slowCalls.Length - 8) + " more" : string.Empty);
        Array.Sort(calls);
        Console.WriteLine($"{name} | {first:0} | {jit:0} ({methods}) | {calls[49] / steady:0.0} / {calls[^1] / steady:0.0} | {(slow.Length == 0 ? "none" : slow)} | {steady:0}");
        GC.KeepAlive(output);
        return 0;
    }
}
