extern alias gen;

using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Prunet.Tests.Infrastructure;
using Steps = gen::Prunet.Generator.TrackingNames;

namespace Prunet.Tests;

/// <summary>The pipeline reuses its work: edits that do not touch a model or its class re-run nothing.</summary>
public sealed class IncrementalTests
{
    private const string Declaration = "using Prunet;\nnamespace Demo\n{\n    [PrunedNetwork(\"models/tiny.model.json\")]\n    public static partial class Tiny { }\n}\n";

    private static (GeneratorDriver Driver, CSharpCompilation Compilation) FirstRun(params AdditionalText[] files)
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(new[] { Declaration, "namespace Demo { public static class Other { public static int Value => 1; } }" });
        GeneratorDriver driver = GeneratorHarness.CreateDriver(files, trackSteps: true).RunGenerators(compilation);
        return (driver, compilation);
    }

    private static IncrementalStepRunReason[] Reasons(GeneratorDriver driver, string step)
        => driver.GetRunResult().Results[0].TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();

    private static void AssertReused(GeneratorDriver driver, string step)
    {
        IncrementalStepRunReason[] reasons = Reasons(driver, step);
        Assert.NotEmpty(reasons);
        Assert.All(reasons, r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, step + " was " + r));
    }

    [Fact]
    public void UnrelatedSourceEditLeavesModelStepsCached()
    {
        var model = new InMemoryAdditionalText("/repo/models/tiny.model.json", SnapshotTests.TinyNet().ToJson());
        var unrelated = new InMemoryAdditionalText("/repo/data/notes.txt", "unrelated");
        (GeneratorDriver driver, CSharpCompilation compilation) = FirstRun(model, unrelated);
        SyntaxTree old = compilation.SyntaxTrees.Last();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText("namespace Demo { public static class Other { public static int Value => 2; } }", GeneratorHarness.ParseOptions, old.FilePath));
        driver = driver.RunGenerators(edited);

        foreach (string step in new[] { Steps.Declarations, Steps.ModelPaths, Steps.ModelTexts, Steps.Models, Steps.Bindings, Steps.Sources })
        {
            AssertReused(driver, step);
        }
    }

    [Fact]
    public void EditingTheModelFileReparsesIt()
    {
        var model = new InMemoryAdditionalText("/repo/models/tiny.model.json", SnapshotTests.TinyNet().ToJson());
        (GeneratorDriver driver, CSharpCompilation compilation) = FirstRun(model);
        var changed = new InMemoryAdditionalText(model.Path, SnapshotTests.TinyNet().ToJson().Replace("0.1,0,-0.2", "0.3,0,-0.2"));
        driver = driver.ReplaceAdditionalText(model, changed).RunGenerators(compilation);
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(driver, Steps.Models));
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(driver, Steps.Sources));
    }

    [Fact]
    public void MovingTheClassReportsAtTheNewPlaceWithoutEmittingAgain()
    {
        var model = new InMemoryAdditionalText("/repo/models/tiny.model.json", SnapshotTests.TinyNet().ToJson());
        (GeneratorDriver driver, CSharpCompilation compilation) = FirstRun(model);
        SyntaxTree old = compilation.SyntaxTrees.First();
        CSharpCompilation moved = compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText("// a comment line\n" + Declaration, GeneratorHarness.ParseOptions, old.FilePath));
        driver = driver.RunGenerators(moved);
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(driver, Steps.Declarations)); // its locations changed
        AssertReused(driver, Steps.EmitRequests);
        AssertReused(driver, Steps.Sources);

        // A change to what the declaration says does emit again.
        driver = driver.RunGenerators(moved.ReplaceSyntaxTree(moved.SyntaxTrees.First(), CSharpSyntaxTree.ParseText(Declaration.Replace("\")]", "\", Kernel = PrunedNetworkKernel.SparseRows)]"), GeneratorHarness.ParseOptions, old.FilePath)));
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(driver, Steps.Sources));
    }

    [Fact]
    public void BindingAnotherFileDoesNotReparseTheFirst()
    {
        var tiny = new InMemoryAdditionalText("/repo/models/tiny.model.json", SnapshotTests.TinyNet().ToJson());
        var dense = new InMemoryAdditionalText("/repo/models/dense.model.json", SnapshotTests.DenseNet().ToJson());
        (GeneratorDriver driver, CSharpCompilation compilation) = FirstRun(tiny, dense);
        Assert.Single(driver.GetRunResult().Results[0].TrackedSteps[Steps.Models]); // dense.model.json is not read yet

        SyntaxTree added = CSharpSyntaxTree.ParseText("using Prunet;\nnamespace Demo\n{\n    [PrunedNetwork(\"models/dense.model.json\")]\n    public static partial class Dense { }\n}\n", GeneratorHarness.ParseOptions, "/src/Dense.cs");
        driver = driver.RunGenerators(compilation.AddSyntaxTrees(added));
        var models = driver.GetRunResult().Results[0].TrackedSteps[Steps.Models];
        Assert.Equal(2, models.Length);
        Assert.Equal(IncrementalStepRunReason.Cached, models[0].Outputs.Single().Reason); // tiny: not parsed again
        Assert.Equal(IncrementalStepRunReason.New, models[1].Outputs.Single().Reason);
    }
}
