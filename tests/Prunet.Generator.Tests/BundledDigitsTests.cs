using Microsoft.CodeAnalysis;
using Prunet.Data;
using Prunet.Tests.Infrastructure;

namespace Prunet.Tests;

/// <summary>The pruned digits model the sample ships: generated code picks the interpreter's class on every test row.</summary>
public sealed class BundledDigitsTests
{
    [Theory]
    [InlineData("Auto")]
    [InlineData("SparseRows")]
    [InlineData("DenseSimd")]
    public void GeneratedCodePredictsTheInterpretersClassOnTheWholeTestSplit(string kernel)
    {
        string json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "digits.model.json"));
        PrunedModel model = PrunedModel.Parse(json);
        GeneratorRun run = GeneratorHarness.Run(
            new[] { NetworkSources.For(new[] { new NetworkClass("DigitsNet", "digits.model.json", kernel, Classifier: true) }) },
            new AdditionalText[] { new InMemoryAdditionalText("/repo/samples/Digits/digits.model.json", json) });
        Assert.Empty(run.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(GeneratorHarness.Describe));
        using LoadedAssembly assembly = GeneratorHarness.Load(GeneratorHarness.Emit(run.Output));

        Dataset test = DataSource.Load(new DataOptions("digits")).Test;
        Assert.True(test.Rows > 300);
        int correct = 0;
        for (int r = 0; r < test.Rows; r++)
        {
            float[] pixels = test.Row(r).ToArray();
            int expected = model.PredictClass(pixels);
            Assert.Equal(expected, assembly.PredictClass("DigitsNet", pixels));
            correct += expected == test.Labels![r] ? 1 : 0;
        }

        // The model is the pruned one the sample promises (80% sparse, still above 95%).
        Assert.Equal(0.8, model.Statistics.Sparsity, 2);
        Assert.True((double)correct / test.Rows >= 0.95, $"accuracy {(double)correct / test.Rows:F4}");
    }
}
