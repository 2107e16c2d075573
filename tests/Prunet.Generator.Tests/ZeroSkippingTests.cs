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
/// generated code or data, and every weight that is computed appears exactly once (in straight-line
/// code, once in the scalar method).
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

        // Each model twice: one method per layer, and straight-line code where the network is small.
        var classes = models.Select((m, n) => new NetworkClass("Net" + n, "models/net" + n + ".model.json", "Auto", m.Task == ModelTask.Classification, StraightLine: false))
            .Concat(models.Select((m, n) => new NetworkClass("Straight" + n, "models/net" + n + ".model.json", "Auto", m.Task == ModelTask.Classification))).ToList();
        GeneratorRun run = GeneratorHarness.Run(new[] { NetworkSources.For(classes) }, models.Select((m, n) => (AdditionalText)new InMemoryAdditionalText("/p/models/net" + n + ".model.json", m.ToJson())));
        Assert.Empty(run.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(GeneratorHarness.Describe));

        bool sawTable = false, sawUnrolled = false, sawPacked = false, sawBlocks = false, sawStraightLine = false, sawWindows = false;
        for (int n = 0; n < models.Count; n++)
        {
            string source = run.Source(NetworkSources.Namespace + ".Net" + n + ".g.cs");
            sawBlocks |= source.Contains("// Kernel: BlockSparse (Auto", StringComparison.Ordinal);
            var weights = new List<float>();
            // The zeros of a SparseWindows table are padding lanes (an output with no weight in that
            // step's window): left out here, so that the nonzero ones must still be exactly the layer's.
            foreach (Match table in WeightTable().Matches(source))
            {
                sawTable = true;
                IEnumerable<float> values = table.Groups[2].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Literal);
                sawWindows |= table.Groups[1].Value == "Window";
                weights.AddRange(table.Groups[1].Value == "Window" ? values.Where(v => v != 0f) : values);
            }

            foreach (Match table in PackedWeightTable().Matches(source))
            {
                sawPacked = true;
                sawWindows |= table.Groups[1].Value == "Window";
                weights.AddRange(table.Groups[1].Value == "Window" ? Unpack(table.Groups[2].Value).Where(v => v != 0f) : Unpack(table.Groups[2].Value));
            }

            foreach (Match term in UnrolledTerm().Matches(source))
            {
                sawUnrolled = true;
                weights.Add(Literal(term.Groups[1].Success ? term.Groups[1].Value : term.Groups[2].Value));
            }

            Assert.DoesNotContain(0f, weights);
            Planning.NetworkPlan plan = Planning.NetworkPlanner.Plan(G.PrunedModel.Parse(models[n].ToJson()), Planning.KernelRequest.Auto, straightLine: false);
            Assert.True(plan.Layers.Sum(l => l.Nonzeros) == weights.Count, $"network {n}: planned {plan.Layers.Sum(l => l.Nonzeros)} weights, found {weights.Count} in the code");
            Assert.True(weights.Count <= models[n].Statistics.NonzeroWeights);

            // Straight-line code: its scalar method has every computed weight once, as a term.
            Planning.NetworkPlan straight = Planning.NetworkPlanner.Plan(G.PrunedModel.Parse(models[n].ToJson()), Planning.KernelRequest.Auto);
            string straightSource = run.Source(NetworkSources.Namespace + ".Straight" + n + ".g.cs");
            Assert.Equal(straight.StraightLine, straightSource.Contains("one straight-line method", StringComparison.Ordinal));
            if (straight.StraightLine)
            {
                sawStraightLine = true;
                int start = straightSource.Contains("void ForwardScalar(", StringComparison.Ordinal) ? straightSource.IndexOf("void ForwardScalar(", StringComparison.Ordinal) : straightSource.IndexOf("void Forward(", StringComparison.Ordinal);
                string scalar = straightSource.Substring(start, straightSource.IndexOf("// Helpers.", start, StringComparison.Ordinal) - start);
                var terms = UnrolledTerm().Matches(scalar).Select(t => Literal(t.Groups[1].Success ? t.Groups[1].Value : t.Groups[2].Value)).ToList();
                Assert.DoesNotContain(0f, terms);
                Assert.True(straight.Layers.Sum(l => l.Nonzeros) == terms.Count, $"network {n}, straight-line: planned {straight.Layers.Sum(l => l.Nonzeros)} weights, found {terms.Count} terms");
                // Its vectors are only of layers with no pruned weight.
                Assert.All(straight.Layers.Where(l => l.Kernel == Planning.LayerKernel.DenseSimd), l => Assert.Equal((long)l.Inputs * l.Outputs, l.Nonzeros));
            }
        }

        Assert.True(sawStraightLine, "the models should exercise straight-line code");
        Assert.True(sawWindows, "the models should exercise the sparse-windows kernel");
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
    [GeneratedRegex(@"ReadOnlySpan<float> Layer\d+(\w*?)Weights => new float\[\]\s*\{([^}]*)\}")]
    private static partial Regex WeightTable();

    // private static ReadOnlySpan<float> Layer1Weights => BitConverter.IsLittleEndian ? MemoryMarshal.Cast<char, float>("\\u...") : throw ...
    [GeneratedRegex(@"ReadOnlySpan<float> Layer\d+(\w*?)Weights => BitConverter\.IsLittleEndian\s*\? MemoryMarshal\.Cast<char, float>\((.*?)\)\s*: throw", RegexOptions.Singleline)]
    private static partial Regex PackedWeightTable();

    [GeneratedRegex(@"\\u([0-9A-F]{4})")]
    private static partial Regex CodeUnit();

    // s0 = 0.5f * Unsafe.Add(ref xs, 3);   s1 = MultiplyAdd(-2E-05f, Unsafe.Add(ref xs, 7), s1);
    [GeneratedRegex(@"\bs\d+ = (?:(-?[0-9.E+-]+f) \* |MultiplyAdd\((-?[0-9.E+-]+f), )")]
    private static partial Regex UnrolledTerm();
}
