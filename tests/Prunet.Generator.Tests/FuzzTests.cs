using Microsoft.CodeAnalysis;
using Prunet.Testing;
using Prunet.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Prunet.Tests;

/// <summary>
/// Mutated model files through a real generator driver: the generator never throws; a file the
/// runtime's reader rejects gives exactly one model diagnostic, located in that file, and no
/// code; a file it accepts gives code. PRUNET_FUZZ_ITERATIONS and PRUNET_FUZZ_SEED set the budget.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper log)
{
    private const string ModelPath = "/project/models/fuzz.model.json";

    [Fact]
    public void MutatedModelFilesNeverMakeTheGeneratorThrow()
    {
        int iterations = int.TryParse(Environment.GetEnvironmentVariable("PRUNET_FUZZ_ITERATIONS"), out int n) ? n / 10 : 300;
        int seed = int.TryParse(Environment.GetEnvironmentVariable("PRUNET_FUZZ_SEED"), out int s) ? s : 20261125;
        string[] seeds = Enumerable.Range(0, 4).Select(k => RandomNetworks.Create(new Random(k)).ToJson()).Append(SnapshotTests.SparseNet().ToJson()).ToArray();
        string source = NetworkSources.For(new[] { new NetworkClass("Fuzzed", "models/fuzz.model.json", "Auto", Classifier: false) });
        Compilation compilation = GeneratorHarness.CreateCompilation(new[] { source });
        var previous = new InMemoryAdditionalText(ModelPath, seeds[0]);
        GeneratorDriver driver = GeneratorHarness.CreateDriver(new[] { previous });

        int rejected = 0, generated = 0;
        for (int i = 0; i < iterations; i++)
        {
            var random = new Random(seed + i);
            string text = Mutator.Mutate(seeds[random.Next(seeds.Length)], random);
            var current = new InMemoryAdditionalText(ModelPath, text);
            driver = driver.ReplaceAdditionalText(previous, current).RunGenerators(compilation);
            previous = current;
            GeneratorRunResult result = driver.GetRunResult().Results[0];
            string context = $"input {i} (seed {seed + i})";
            Assert.True(result.Exception == null, context + ": the generator threw " + result.Exception);
            Assert.DoesNotContain(result.Diagnostics, d => d.Id == "PRN099");

            bool readable = true;
            try
            {
                PrunedModel.Parse(text);
            }
            catch (PrunedModelFormatException)
            {
                readable = false;
            }

            bool hasCode = result.GeneratedSources.Any(g => g.HintName != "PrunedNetworkAttribute.g.cs");
            if (readable)
            {
                Assert.True(hasCode, context + ": a valid model gave no code: " + string.Join("; ", result.Diagnostics));
                generated++;
            }
            else
            {
                Diagnostic d = Assert.Single(result.Diagnostics, x => x.Id is "PRN004" or "PRN005" or "PRN006");
                Assert.Equal(ModelPath, d.Location.GetLineSpan().Path);
                Assert.False(hasCode, context + ": code was generated for an invalid model");
                rejected++;
            }
        }

        log.WriteLine($"{iterations} mutated model files: {generated} generated, {rejected} rejected with a located diagnostic");
        Assert.True(rejected > iterations / 2);
    }
}
