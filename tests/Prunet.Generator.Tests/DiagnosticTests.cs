extern alias gen;

using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Prunet.Tests.Infrastructure;

namespace Prunet.Tests;

/// <summary>Every diagnostic the generator reports, triggered, with its ID, file and line checked.</summary>
public sealed class DiagnosticTests
{
    private const string ModelFile = "/repo/models/tiny.model.json";

    private static string TinyJson => SnapshotTests.TinyNet().ToJson();

    /// <summary>A class bound to models/tiny.model.json; the attribute is on line 5 of /src/File0.cs.</summary>
    private static string Declaration(string path = "models/tiny.model.json", string modifiers = "public static partial", string kernel = "Auto")
        => "using Prunet;\n\nnamespace Demo\n{\n    [PrunedNetwork(" + (path == null ? "null" : "\"" + path + "\"") + ", Kernel = PrunedNetworkKernel." + kernel + ")]\n    " + modifiers + " class Net { }\n}\n";

    private static Diagnostic Single(GeneratorRun run, string id)
    {
        Diagnostic[] found = run.Diagnostics.Where(d => d.Id == id).ToArray();
        Assert.True(found.Length == 1, "expected one " + id + ", got: " + string.Join("; ", run.Diagnostics));
        return found[0];
    }

    private static void AssertAt(Diagnostic d, string file, int line)
    {
        Assert.True(d.Location.IsInSource, "a diagnostic about C# code is located in its syntax tree (IDE underline, #pragma)");
        FileLinePositionSpan span = d.Location.GetLineSpan();
        Assert.Equal(file, span.Path);
        Assert.Equal(line, span.StartLinePosition.Line + 1);
    }

    /// <summary>The runtime reader's error for a document: where the generator must point.</summary>
    private static PrunedModelFormatException ReaderError(string json)
        => Assert.Throws<PrunedModelFormatException>(() => PrunedModel.Parse(json, ModelFile));

    private static void AssertAtReaderError(Diagnostic d, string json)
    {
        PrunedModelFormatException e = ReaderError(json);
        FileLinePositionSpan span = d.Location.GetLineSpan();
        Assert.Equal(ModelFile, span.Path);
        Assert.Equal(e.Line, span.StartLinePosition.Line + 1);
        Assert.Equal(e.Column, span.StartLinePosition.Character + 1);
        Assert.Contains(e.Reason, d.GetMessage());
        Assert.Contains(e.JsonPath, d.GetMessage());
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
    }

    [Fact]
    public void PRN001_ModelFileNotAmongAdditionalFiles()
    {
        GeneratorRun run = GeneratorHarness.Run(Declaration(), ("/repo/models/other.model.json", TinyJson));
        Diagnostic d = Single(run, "PRN001");
        AssertAt(d, "/src/File0.cs", 5);
        Assert.Contains("<AdditionalFiles Include=\"models/tiny.model.json\" />", d.GetMessage());
        Assert.Empty(run.Networks);
    }

    [Fact]
    public void PRN002_AmbiguousMatch()
    {
        GeneratorRun run = GeneratorHarness.Run(Declaration(), ("/repo/a/models/tiny.model.json", TinyJson), ("/repo/b/models/tiny.model.json", TinyJson));
        Diagnostic d = Single(run, "PRN002");
        AssertAt(d, "/src/File0.cs", 5);
        Assert.Contains("/repo/a/models/tiny.model.json, /repo/b/models/tiny.model.json", d.GetMessage());
    }

    [Theory]
    [InlineData("")]
    [InlineData("../models/tiny.model.json")]
    [InlineData(null)]
    public void PRN003_InvalidModelPath(string? path)
    {
        GeneratorRun run = GeneratorHarness.Run(Declaration(path!), (ModelFile, TinyJson));
        AssertAt(Single(run, "PRN003"), "/src/File0.cs", 5);
    }

    [Fact]
    public void PRN004_MalformedJsonIsReportedAtItsLineAndColumnInTheModelFile()
    {
        // Drop the comma after "task" (line 4): the parser stops at the next property, line 5.
        string json = TinyJson;
        int comma = json.IndexOf("\"classification\",", StringComparison.Ordinal) + "\"classification\"".Length;
        json = json.Remove(comma, 1);
        GeneratorRun run = GeneratorHarness.Run(Declaration(), (ModelFile, json));
        Diagnostic d = Single(run, "PRN004");
        AssertAtReaderError(d, json);
        Assert.Equal(5, d.Location.GetLineSpan().StartLinePosition.Line + 1);
        Assert.Empty(run.Networks);
        Assert.DoesNotContain(run.Diagnostics, x => x.Id == "PRN001");
    }

    [Fact]
    public void PRN004_NaNIsNotJson()
    {
        string json = TinyJson.Replace("\"bias\": [0.1,0,-0.2]", "\"bias\": [0.1,NaN,-0.2]");
        Assert.NotEqual(TinyJson, json);
        AssertAtReaderError(Single(GeneratorHarness.Run(Declaration(), (ModelFile, json)), "PRN004"), json);
    }

    [Fact]
    public void PRN005_SchemaErrorCarriesJsonPathAndPosition()
    {
        string json = TinyJson.Replace("\"bias\": [0.1,0,-0.2]", "\"bias\": [0.1,0]");
        Assert.NotEqual(TinyJson, json);
        Diagnostic d = Single(GeneratorHarness.Run(Declaration(), (ModelFile, json)), "PRN005");
        AssertAtReaderError(d, json);
        Assert.Contains("$.layers[0].bias", d.GetMessage());
    }

    [Fact]
    public void PRN005_InfiniteNumber()
    {
        string json = TinyJson.Replace("\"bias\": [0.1,0,-0.2]", "\"bias\": [0.1,1e39,-0.2]");
        Assert.NotEqual(TinyJson, json);
        AssertAtReaderError(Single(GeneratorHarness.Run(Declaration(), (ModelFile, json)), "PRN005"), json);
    }

    [Fact]
    public void PRN005_LayerSizesThatDoNotChain()
    {
        // Layer 2 takes 4 inputs (with 2 × 4 weights) but layer 1 has 3 outputs.
        string json = TinyJson.Replace("\"in\": 3", "\"in\": 4").Replace("[1,-1,0.5,-0.5,1,0.25]", "[1,-1,0.5,0,-0.5,1,0.25,0]");
        Assert.NotEqual(TinyJson, json);
        Diagnostic d = Single(GeneratorHarness.Run(Declaration(), (ModelFile, json)), "PRN005");
        AssertAtReaderError(d, json);
        Assert.Contains("must chain", d.GetMessage());
        Assert.Contains("$.layers[1].in", d.GetMessage());
    }

    [Theory]
    [InlineData("\"version\": 1", "\"version\": 2")]
    [InlineData("\"type\": \"dense\"", "\"type\": \"conv2d\"")]
    public void PRN006_UnsupportedVersionOrLayer(string from, string to)
    {
        string json = TinyJson;
        int at = json.IndexOf(from, StringComparison.Ordinal);
        json = json.Substring(0, at) + to + json.Substring(at + from.Length);
        AssertAtReaderError(Single(GeneratorHarness.Run(Declaration(), (ModelFile, json)), "PRN006"), json);
    }

    [Fact]
    public void PRN007_UnreadableModelFile()
    {
        GeneratorRun run = GeneratorHarness.Run(new[] { Declaration() }, new AdditionalText[] { new NoText(ModelFile) });
        Diagnostic d = Single(run, "PRN007");
        Assert.Contains(ModelFile, d.GetMessage());
    }

    [Theory]
    [InlineData("public static")]
    [InlineData("public partial")]
    [InlineData("internal sealed partial")]
    public void PRN008_ClassNotStaticPartial(string modifiers)
    {
        GeneratorRun run = GeneratorHarness.Run(Declaration(modifiers: modifiers), (ModelFile, TinyJson));
        AssertAt(Single(run, "PRN008"), "/src/File0.cs", 6);
        Assert.Empty(run.Networks);
    }

    [Fact]
    public void PRN008_ContainingTypeNotPartial()
    {
        string source = "using Prunet;\n\nnamespace Demo\n{\n    public class Outer\n    {\n        [PrunedNetwork(\"models/tiny.model.json\")]\n        public static partial class Net { }\n    }\n}\n";
        Diagnostic d = Single(GeneratorHarness.Run(source, (ModelFile, TinyJson)), "PRN008");
        AssertAt(d, "/src/File0.cs", 8);
        Assert.Contains("'Outer'", d.GetMessage());
    }

    [Fact]
    public void PRN009_TwoClassesBoundToOneFileWithTheSameKernel()
    {
        string source = "using Prunet;\n\nnamespace Demo\n{\n    [PrunedNetwork(\"models/tiny.model.json\")]\n    public static partial class A { }\n\n    [PrunedNetwork(\"tiny.model.json\")]\n    public static partial class B { }\n\n    [PrunedNetwork(\"tiny.model.json\", Kernel = PrunedNetworkKernel.SparseRows)]\n    public static partial class C { }\n}\n";
        GeneratorRun run = GeneratorHarness.Run(source, (ModelFile, TinyJson));
        Diagnostic[] found = run.Diagnostics.Where(d => d.Id == "PRN009").OrderBy(d => d.Location.SourceSpan.Start).ToArray();
        Assert.Equal(2, found.Length);
        Assert.Equal(DiagnosticSeverity.Warning, found[0].Severity);
        AssertAt(found[0], "/src/File0.cs", 5);
        AssertAt(found[1], "/src/File0.cs", 8);
        Assert.Contains("Demo.B", found[0].GetMessage());
        Assert.Equal(3, run.Networks.Count()); // a warning: all three classes are still generated
        GeneratorHarness.Emit(run.Output);
    }

    [Fact]
    public void AttributeOnTwoPartsOfOneClassGeneratesOnce()
    {
        // The compiler reports CS0579 (duplicate attribute); the generator must not add the file twice (that would throw).
        string source = "using Prunet;\nnamespace Demo\n{\n    [PrunedNetwork(\"models/tiny.model.json\")]\n    public static partial class Net { }\n\n    [PrunedNetwork(\"models/tiny.model.json\")]\n    public static partial class Net { }\n}\n";
        GeneratorRun run = GeneratorHarness.Run(source, (ModelFile, TinyJson));
        Assert.Single(run.Networks);
        Assert.DoesNotContain(run.Diagnostics, d => d.Id == "PRN009");
        Assert.Contains(run.Output.GetDiagnostics(), d => d.Id == "CS0579");
    }

    [Fact]
    public void PRN010_UnknownKernel()
    {
        string source = Declaration().Replace("PrunedNetworkKernel.Auto", "(PrunedNetworkKernel)7");
        AssertAt(Single(GeneratorHarness.Run(source, (ModelFile, TinyJson)), "PRN010"), "/src/File0.cs", 5);
    }

    [Fact]
    public void PRN011_LayerTooLargeToUnrollFallsBackToSparseRows()
    {
        var model = RandomNetworks.Mlp(new Random(3), new[] { 100, 50, 3 }, sparsity: 0);
        GeneratorRun run = GeneratorHarness.Run(Declaration(kernel: "Unrolled"), (ModelFile, model.ToJson()));
        Diagnostic d = Single(run, "PRN011");
        AssertAt(d, "/src/File0.cs", 5);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Contains("Layer 1", d.GetMessage());
        string generated = run.Source("Demo.Net.g.cs");
        Assert.Contains("// Kernel: SparseRows (Unrolled was asked for, but 5,000 nonzero weights are more than the 4,096 that are unrolled)", generated);
        Assert.Contains("// Kernel: Unrolled (Kernel = PrunedNetworkKernel.Unrolled on the attribute)", generated); // layer 2: 150 weights
        GeneratorHarness.Emit(run.Output);
    }

    [Fact]
    public void PRN011_ARowTooLongToUnrollNamesTheRowLimit()
    {
        // 2,000 weights in all, under the layer limit, but all in one row: over the per-row limit.
        var model = RandomNetworks.Mlp(new Random(4), new[] { 2000, 1, 2 }, sparsity: 0);
        GeneratorRun run = GeneratorHarness.Run(Declaration(kernel: "Unrolled"), (ModelFile, model.ToJson()));
        Assert.Contains("(2000 in its longest row)", Single(run, "PRN011").GetMessage());
        Assert.Contains("// Kernel: SparseRows (Unrolled was asked for, but its longest row has 2,000 nonzero weights, more than the 1,024 a row may have to be unrolled)", run.Source("Demo.Net.g.cs"));
    }

    [Fact]
    public void PRN012_TargetWithoutNet8Apis()
    {
        var references = GeneratorHarness.Net80References.Where(r => !(r.FilePath ?? r.Display ?? string.Empty).Contains("System.Runtime.Intrinsics"));
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create(
            "Old",
            new[] { Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(Declaration(), GeneratorHarness.ParseOptions, path: "/src/File0.cs") },
            references,
            new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        GeneratorDriver driver = GeneratorHarness.CreateDriver(new[] { new InMemoryAdditionalText(ModelFile, TinyJson) }).RunGenerators(compilation);
        GeneratorDriverRunResult result = driver.GetRunResult();
        Diagnostic d = Assert.Single(result.Diagnostics, x => x.Id == "PRN012");
        AssertAt(d, "/src/File0.cs", 5);
    }

    [Fact]
    public void PRN012_LanguageVersionBeforeCSharp10()
    {
        var compilation = GeneratorHarness.CreateCompilation(new[] { Declaration() });
        var options = new Microsoft.CodeAnalysis.CSharp.CSharpParseOptions(Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp9);
        compilation = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.First(), Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(Declaration(), options, "/src/File0.cs"));
        GeneratorDriver driver = Microsoft.CodeAnalysis.CSharp.CSharpGeneratorDriver.Create(
            new[] { new gen::Prunet.Generator.PrunedNetworkGenerator().AsSourceGenerator() },
            new[] { new InMemoryAdditionalText(ModelFile, TinyJson) },
            options).RunGenerators(compilation);
        Diagnostic d = Assert.Single(driver.GetRunResult().Diagnostics, x => x.Id == "PRN012");
        AssertAt(d, "/src/File0.cs", 5);
        Assert.Contains("C# 10 or later", d.GetMessage());
    }

    [Fact]
    public void PRN099_UnexpectedExceptionBecomesADiagnosticNotACrash()
    {
        GeneratorRun run = GeneratorHarness.Run(new[] { Declaration() }, new AdditionalText[] { new FaultyText(ModelFile, TinyJson) });
        Diagnostic d = Single(run, "PRN099");
        Assert.Equal(ModelFile, d.Location.GetLineSpan().Path);
        Assert.Contains("injected fault", d.GetMessage());
    }

    [Fact]
    public void MalformedInputsNeverMakeTheGeneratorThrow()
    {
        // Truncations and byte flips of a valid model: each must give diagnostics, never an exception
        // (GeneratorHarness.Run asserts GeneratorRunResult.Exception is null).
        string json = SnapshotTests.SparseNet().ToJson();
        var rng = new Random(7);
        var cases = new List<string> { string.Empty, "{", "[]", "null", "{\"format\":\"prunet-model\",\"version\":1}", "\uFEFF" + json, json.Replace("\"layers\"", "\"layers\" : 5, \"x\"") };
        for (int n = 0; n < 25; n++)
        {
            cases.Add(json.Substring(0, rng.Next(json.Length)));
            char[] chars = json.ToCharArray();
            chars[rng.Next(chars.Length)] = "{}[],:\"0-e.x \n\\"[rng.Next(15)];
            cases.Add(new string(chars));
        }

        int n2 = 0;
        foreach (string text in cases)
        {
            GeneratorRun run = GeneratorHarness.Run(Declaration(), (ModelFile, text));
            bool parses = true;
            try
            {
                PrunedModel.Parse(text);
            }
            catch (PrunedModelFormatException)
            {
                parses = false;
            }

            if (!parses)
            {
                Assert.Contains(run.Diagnostics, d => d.Id is "PRN004" or "PRN005" or "PRN006");
                Assert.Empty(run.Networks);
                n2++;
            }
        }

        Assert.True(n2 > 20, "most mutations should be invalid");
    }

    [Fact]
    public void EveryDiagnosticIsDocumented()
    {
        string docs = File.ReadAllText(Path.Combine(Snapshot.RepositoryRoot(), "docs", "diagnostics.md"));
        foreach (DiagnosticDescriptor descriptor in gen::Prunet.Generator.Diagnostics.All)
        {
            Assert.Contains("\n## " + descriptor.Id + "\n", docs);
            Assert.Contains("| [" + descriptor.Id + "](#" + descriptor.Id.ToLowerInvariant() + ") | " + descriptor.DefaultSeverity + " | " + descriptor.Title + " |", docs);
        }
    }

    /// <summary>An AdditionalFiles item the compiler cannot read.</summary>
    private sealed class NoText(string path) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText? GetText(CancellationToken cancellationToken = default) => null;
    }

    /// <summary>A text that reads once (for the hash) and fails the second time: a stand-in for a bug.</summary>
    private sealed class FaultyText(string path, string text) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => new FailingSourceText(text);
    }

    private sealed class FailingSourceText(string text) : SourceText
    {
        private int _reads;

        public override Encoding? Encoding => Encoding.UTF8;

        public override int Length => text.Length;

        public override char this[int position] => text[position];

        public override void CopyTo(int sourceIndex, char[] destination, int destinationIndex, int count) => text.CopyTo(sourceIndex, destination, destinationIndex, count);

        public override string ToString(TextSpan span)
            => ++_reads > 1 ? throw new InvalidOperationException("injected fault") : text.Substring(span.Start, span.Length);
    }
}
