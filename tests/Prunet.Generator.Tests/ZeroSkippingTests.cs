extern alias gen;

using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Prunet.Tests.Infrastructure;
using G = gen::Prunet;
using Planning = gen::Prunet.Generator.Planning;

namespace Prunet.Tests;

/// <summary>
/// The generator's promise: with the Auto kernel choice, a pruned weight never appears in the
/// generated code or data, and every weight that is computed appears exactly once.
/// </summary>
public sealed partial class ZeroSkippingTests
{
    [Fact]
    public void AutoEmitsOnlyTheNonzeroWeightsOfTheComputedLayers()
    {
        var models = new List<PrunedModel>();
        for (int n = 0; n < 30; n++)
        {
            models.Add(RandomNetworks.Create(new Random(9000 + n)));
        }

        // Large layers too, so that table-driven kernels are covered, not only unrolled code.
        models.Add(RandomNetworks.Mlp(new Random(1), new[] { 200, 60, 10 }, 0.7, ModelTask.Classification));
        models.Add(RandomNetworks.Mlp(new Random(2), new[] { 100, 40, 3 }, 0.0, ModelTask.Regression));

        // Block-pruned layers, where Auto picks the block kernel: its tables must hold no zero either.
        for (int n = 0; n < 6; n++)
        {
            models.Add(RandomNetworks.BlockPruned(new Random(9100 + n)));
        }

        var classes = models.Select((m, n) => new NetworkClass("Net" + n, "models/net" + n + ".model.json", "Auto", m.Task == ModelTask.Classification)).ToList();
        GeneratorRun run = GeneratorHarness.Run(new[] { NetworkSources.For(classes) }, models.Select((m, n) => (AdditionalText)new InMemoryAdditionalText("/p/models/net" + n + ".model.json", m.ToJson())));
        Assert.Empty(run.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(GeneratorHarness.Describe));

        bool sawTable = false, sawUnrolled = false, sawPacked = false, sawBlocks = false;
        for (int n = 0; n < models.Count; n++)
        {
            string source = run.Source(NetworkSources.Namespace + ".Net" + n + ".g.cs");
            sawBlocks |= source.Contains("// Kernel: BlockSparse (Auto", StringComparison.Ordinal);
            var weights = new List<float>();
            foreach (Match table in WeightTable().Matches(source))
            {
                sawTable = true;
                weights.AddRange(table.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Literal));
            }

            foreach (Match table in PackedWeightTable().Matches(source))
            {
                sawPacked = true;
                weights.AddRange(Unpack(table.Groups[1].Value));
            }

            foreach (Match term in UnrolledTerm().Matches(source))
            {
                sawUnrolled = true;
                weights.Add(Literal(term.Groups[1].Success ? term.Groups[1].Value : term.Groups[2].Value));
            }

            Assert.DoesNotContain(0f, weights);
            Planning.NetworkPlan plan = Planning.NetworkPlanner.Plan(G.PrunedModel.Parse(models[n].ToJson()), Planning.KernelRequest.Auto);
            Assert.True(plan.Layers.Sum(l => l.Nonzeros) == weights.Count, $"network {n}: planned {plan.Layers.Sum(l => l.Nonzeros)} weights, found {weights.Count} in the code");
            Assert.True(weights.Count <= models[n].Statistics.NonzeroWeights);
        }

        Assert.True(sawTable && sawUnrolled && sawPacked, "the models should exercise literal tables, packed tables and unrolled code");
        Assert.True(sawBlocks, "the models should exercise the block-sparse kernel under Auto");
    }

    /// <summary>The floats of a packed table: pairs of \\uXXXX code units, low half first.</summary>
    private static IEnumerable<float> Unpack(string literals)
    {
        int[] units = CodeUnit().Matches(literals).Select(m => int.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();
        Assert.True(units.Length % 2 == 0);
        for (int u = 0; u < units.Length; u += 2)
        {
            yield return BitConverter.Int32BitsToSingle(units[u] | (units[u + 1] << 16));
        }
    }

    private static float Literal(string text) => float.Parse(text.TrimEnd('f'), NumberStyles.Float, CultureInfo.InvariantCulture);

    // private static ReadOnlySpan<float> Layer2Weights => new float[] { ... };
    [GeneratedRegex(@"ReadOnlySpan<float> Layer\d+\w*Weights => new float\[\]\s*\{([^}]*)\}")]
    private static partial Regex WeightTable();

    // private static ReadOnlySpan<float> Layer1Weights => BitConverter.IsLittleEndian ? MemoryMarshal.Cast<char, float>("\\u...") : throw ...
    [GeneratedRegex(@"ReadOnlySpan<float> Layer\d+\w*Weights => BitConverter\.IsLittleEndian\s*\? MemoryMarshal\.Cast<char, float>\((.*?)\)\s*: throw", RegexOptions.Singleline)]
    private static partial Regex PackedWeightTable();

    [GeneratedRegex(@"\\u([0-9A-F]{4})")]
    private static partial Regex CodeUnit();

    // s0 = 0.5f * Unsafe.Add(ref xs, 3);   s1 = MultiplyAdd(-2E-05f, Unsafe.Add(ref xs, 7), s1);
    [GeneratedRegex(@"\bs\d+ = (?:(-?[0-9.E+-]+f) \* |MultiplyAdd\((-?[0-9.E+-]+f), )")]
    private static partial Regex UnrolledTerm();
}
