using Microsoft.CodeAnalysis;
using Prunet.Tests.Infrastructure;

namespace Prunet.Tests;

/// <summary>The MSBuild property PrunetDefaultKernel sets the kernel of classes whose attribute does not.</summary>
public sealed class ProjectOptionsTests
{
    private const string Sources = """
        using Prunet;

        namespace Demo
        {
            [PrunedNetwork("models/net.model.json", StraightLine = false)]
            public static partial class Default { }

            [PrunedNetwork("models/net.model.json", Kernel = PrunedNetworkKernel.Auto, StraightLine = false)]
            public static partial class ExplicitAuto { }
        }
        """;

    [Theory]
    [InlineData(null, "SparseWindows", "Unrolled")]
    [InlineData("SparseRows", "SparseRows", "SparseRows")]
    [InlineData("densesimd", "DenseSimd", "DenseSimd")]
    public void TheDefaultAppliesOnlyWhereTheAttributeSetsNoKernel(string? property, string firstLayer, string lastLayer)
    {
        // A 100→40→3 network: Auto gives SparseWindows (sparse, large) then Unrolled (small).
        PrunedModel model = RandomNetworks.Mlp(new Random(3), new[] { 100, 40, 3 }, 0.8);
        var properties = property == null ? null : new Dictionary<string, string> { ["PrunetDefaultKernel"] = property };
        GeneratorRun run = GeneratorHarness.Run(new[] { Sources }, new AdditionalText[] { new InMemoryAdditionalText("/p/models/net.model.json", model.ToJson()) }, buildProperties: properties);
        Assert.DoesNotContain(run.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);

        string defaulted = run.Source("Demo.Default.g.cs");
        Assert.Contains("// Kernel: " + firstLayer + " (", defaulted);
        Assert.Contains("// Kernel: " + lastLayer + " (", defaulted);
        if (property != null)
        {
            Assert.Contains("(PrunetDefaultKernel = " + firstLayer + " in the project)", defaulted);
        }

        // An explicit Kernel = Auto is not overridden by the project default.
        string explicitAuto = run.Source("Demo.ExplicitAuto.g.cs");
        Assert.Contains("// Kernel: SparseWindows (Auto", explicitAuto);
        Assert.Contains("// Kernel: Unrolled (Auto", explicitAuto);
        GeneratorHarness.Emit(run.Output);
    }

    [Theory]
    [InlineData("Fastest")]
    [InlineData("2")]
    public void PRN013_ADefaultThatNamesNoKernel(string property)
    {
        PrunedModel model = RandomNetworks.Mlp(new Random(3), new[] { 10, 3 }, 0.5);
        GeneratorRun run = GeneratorHarness.Run(new[] { Sources }, new AdditionalText[] { new InMemoryAdditionalText("/p/models/net.model.json", model.ToJson()) }, buildProperties: new Dictionary<string, string> { ["PrunetDefaultKernel"] = property });
        Diagnostic d = Assert.Single(run.Diagnostics, x => x.Id == "PRN013");
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains("'" + property + "'", d.GetMessage());
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("false", true)]
    [InlineData("true", false)]
    [InlineData("True", false)]
    public void ReadyToRunLeavesOutAggressiveOptimization(string? publishReadyToRun, bool expected)
    {
        // AggressiveOptimization methods are not precompiled by ReadyToRun: with it, the JIT would
        // compile every layer at its first call anyway.
        PrunedModel model = RandomNetworks.Mlp(new Random(3), new[] { 100, 40, 3 }, 0.0);
        var properties = publishReadyToRun == null ? null : new Dictionary<string, string> { ["PublishReadyToRun"] = publishReadyToRun };
        GeneratorRun run = GeneratorHarness.Run(new[] { Sources }, new AdditionalText[] { new InMemoryAdditionalText("/p/models/net.model.json", model.ToJson()) }, buildProperties: properties);
        Assert.DoesNotContain(run.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        string source = run.Source("Demo.Default.g.cs");
        Assert.Equal(expected, source.Contains("AggressiveOptimization", StringComparison.Ordinal));
        // Its 4,000-weight layer: a packed string table, or under ReadyToRun array data (no JIT at first use).
        Assert.Equal(expected, source.Contains("MemoryMarshal.Cast<char, float>(", StringComparison.Ordinal));
        GeneratorHarness.Emit(run.Output);
    }
}
