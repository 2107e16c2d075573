using System.Diagnostics;
using System.Reflection;
using Prunet.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Prunet.Tests;

/// <summary>
/// A digits-sized network, 784-300-100-10, dense and 90% pruned: generates, compiles and agrees
/// with the interpreter. Prints generator and compile times (see docs/generator.md for figures).
/// </summary>
public sealed class LargeModelTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.9)]
    public void DigitsSizedNetworkGeneratesCompilesAndAgrees(double sparsity)
    {
        PrunedModel model = RandomNetworks.Mlp(new Random(784), new[] { 784, 300, 100, 10 }, sparsity);
        string json = model.ToJson();
        var classes = new[] { new NetworkClass("Digits", "models/digits.model.json", "Auto", true) };
        string source = NetworkSources.For(classes);

        // The first run pays for loading and JIT-compiling the generator; the second is what an edit of the model costs.
        GeneratorRun cold = GeneratorHarness.Run(source, ("/p/models/digits.model.json", json));
        GeneratorRun run = GeneratorHarness.Run(source, ("/p/models/digits.model.json", json));
        Assert.Empty(run.Diagnostics);
        string generated = run.Source("Test.Networks.Digits.g.cs");
        var watch = Stopwatch.StartNew();
        byte[] image = GeneratorHarness.Emit(run.Output);
        watch.Stop();
        log.WriteLine($"sparsity {sparsity:P0}: model {json.Length / 1024} KiB, generated {generated.Length / 1024} KiB, " +
            $"generator {cold.Elapsed.TotalMilliseconds:0} ms cold / {run.Elapsed.TotalMilliseconds:0} ms warm, compile (emit, Release) {watch.Elapsed.TotalMilliseconds:0} ms, assembly {image.Length / 1024} KiB");
        log.WriteLine(string.Join("\n", generated.Split('\n').Where(l => l.TrimStart().StartsWith("// Kernel:", StringComparison.Ordinal))));

        using LoadedAssembly assembly = GeneratorHarness.Load(image);
        AssertMethodsWithinJitLimits(assembly);
        var first = Stopwatch.StartNew();
        assembly.Predict("Digits", new float[784], new float[10]);
        log.WriteLine($"first prediction (JIT included): {first.Elapsed.TotalMilliseconds:0.0} ms");
        var rng = new Random(10);
        for (int row = 0; row < 20; row++)
        {
            float[] input = RandomNetworks.Values(rng, 784, 0f, 1f);
            var expected = new float[10];
            var actual = new float[10];
            model.Predict(input, expected);
            assembly.Predict("Digits", input, actual);
            Assert.True(OutputAgreement.Agrees(actual, expected, out string why), "row " + row + ": " + why);
        }
    }

    [Fact]
    public void ForcedUnrolledCodeStaysWithinJitLimits()
    {
        // The largest layers Unrolled accepts: 4,096 weights in 64 rows of 64, and one row of 1,024.
        PrunedModel model = RandomNetworks.Mlp(new Random(64), new[] { 64, 64, 4, 1 }, 0, ModelTask.Regression);
        PrunedModel wide = RandomNetworks.Mlp(new Random(65), new[] { 1024, 1, 2 }, 0);
        var classes = new[] { new NetworkClass("Square", "square.model.json", "Unrolled", false), new NetworkClass("Wide", "wide.model.json", "Unrolled", true) };
        GeneratorRun run = GeneratorHarness.Run(NetworkSources.For(classes), ("/p/square.model.json", model.ToJson()), ("/p/wide.model.json", wide.ToJson()));
        Assert.Empty(run.Diagnostics);
        Assert.Contains("Layer1Part4(x, y);", run.Source("Test.Networks.Square.g.cs"));
        using LoadedAssembly assembly = GeneratorHarness.Load(GeneratorHarness.Emit(run.Output));
        AssertMethodsWithinJitLimits(assembly);
        var input = RandomNetworks.Values(new Random(1), 64, -1, 1);
        var expected = new float[1];
        var actual = new float[1];
        model.Predict(input, expected);
        assembly.Predict("Square", input, actual);
        Assert.True(OutputAgreement.Agrees(actual, expected, out string why), why);
    }

    /// <summary>
    /// The JIT stops optimising methods past about 60,000 bytes of IL, 2,000 basic blocks or
    /// 2,000 locals; generated methods stay far below (branches are counted as a proxy for blocks).
    /// </summary>
    private void AssertMethodsWithinJitLimits(LoadedAssembly assembly)
    {
        int largest = 0;
        foreach (Type type in assembly.Assembly.GetTypes())
        {
            foreach (MethodInfo method in type.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                MethodBody? body = method.GetMethodBody();
                if (body == null)
                {
                    continue;
                }

                byte[] il = body.GetILAsByteArray()!;
                largest = Math.Max(largest, il.Length);
                Assert.True(il.Length < 30_000, type.Name + "." + method.Name + " has " + il.Length + " bytes of IL");
                Assert.True(body.LocalVariables.Count < 100, type.Name + "." + method.Name + " has " + body.LocalVariables.Count + " locals");
            }
        }

        log.WriteLine("largest generated method: " + largest + " bytes of IL");
    }
}
