using System.Diagnostics;
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
}
