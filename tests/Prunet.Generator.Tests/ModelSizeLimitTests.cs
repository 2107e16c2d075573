using Microsoft.CodeAnalysis;
using Prunet.Tests.Infrastructure;

namespace Prunet.Tests;

/// <summary>
/// PRN014: a model too large to compile on every build is a located error with its size, not a
/// minutes-long build; the limits sit just above the largest model we promise to compile.
/// </summary>
public sealed class ModelSizeLimitTests
{
    private const string ModelFile = "/repo/models/huge.model.json";

    private const string Declaration = "using Prunet;\n\n[PrunedNetwork(\"models/huge.model.json\")]\npublic static partial class Huge { }\n";

    [Fact]
    public void PRN014_MoreNonzeroWeightsThanTheLimit()
    {
        // 2,001 × 1,000 dense weights: just over 2 million.
        int inputs = 2001, outputs = 1000;
        var weights = new float[inputs * outputs];
        for (int k = 0; k < weights.Length; k++)
        {
            weights[k] = 0.5f + (k % 7);
        }

        var model = new PrunedModel(ModelTask.Regression, new[] { new DenseLayer(inputs, outputs, Activation.Linear, weights, new float[outputs]) });
        Diagnostic d = AssertTooLarge(model.ToJson());
        Assert.Contains("2,001,000 nonzero weights", d.GetMessage());
        Assert.Contains("at most 2,000,000 nonzero weights", d.GetMessage());
    }

    [Fact]
    public void PRN014_ATextLongerThanTheLimitIsNotParsed()
    {
        string json = SnapshotTests.TinyNet().ToJson() + new string(' ', 64 * 1024 * 1024);
        Diagnostic d = AssertTooLarge(json);
        Assert.Contains("67,1", d.GetMessage());
        Assert.Contains("characters of text", d.GetMessage());
    }

    private static Diagnostic AssertTooLarge(string json)
    {
        GeneratorRun run = GeneratorHarness.Run(new[] { Declaration }, new AdditionalText[] { new InMemoryAdditionalText(ModelFile, json) });
        Diagnostic d = Assert.Single(run.Diagnostics, x => x.Id == "PRN014");
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal(ModelFile, d.Location.GetLineSpan().Path);
        Assert.Contains("prune the model further", d.GetMessage());
        Assert.Empty(run.Networks);
        return d;
    }
}
