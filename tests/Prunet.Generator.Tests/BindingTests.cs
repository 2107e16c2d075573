extern alias gen;

using Prunet.Tests.Infrastructure;
using Binding = gen::Prunet.Generator.Parsing.ModelPathBinding;

namespace Prunet.Tests;

/// <summary>Attribute paths bind to AdditionalFiles by whole trailing path segments, with either separator.</summary>
public sealed class BindingTests
{
    [Theory]
    [InlineData("/x/models/digits.model.json", "models/digits.model.json", true)]
    [InlineData("/x/models/digits.model.json", "digits.model.json", true)]
    [InlineData("/x/models/digits.model.json", "./models/digits.model.json", true)]
    [InlineData("/x/models/digits.model.json", "/x/models/digits.model.json", true)]
    [InlineData(@"C:\x\models\digits.model.json", "models/digits.model.json", true)]
    [InlineData(@"C:\x\models\digits.model.json", @"models\digits.model.json", true)]
    [InlineData("/x/models/digits.model.json", @"models\digits.model.json", true)]
    [InlineData("/x/other-digits.model.json", "models/digits.model.json", false)]
    [InlineData("/x/other-digits.model.json", "digits.model.json", false)]
    [InlineData("/x/amodels/digits.model.json", "models/digits.model.json", false)]
    [InlineData(@"C:\x\amodels\digits.model.json", "models/digits.model.json", false)]
    [InlineData("/x/models/digits.model.json", "Models/digits.model.json", false)]
    [InlineData("/x/models/digits.model.json.bak", "models/digits.model.json", false)]
    [InlineData("/models/digits.model.json", "x/models/digits.model.json", false)]
    public void MatchesWholeTrailingSegments(string file, string modelPath, bool expected)
        => Assert.Equal(expected, Binding.Matches(file, modelPath));

    [Fact]
    public void EndToEndOnlyTheMatchingFileIsBound()
    {
        string json = SnapshotTests.TinyNet().ToJson();
        string source = "using Prunet;\n[PrunedNetwork(\"models/digits.model.json\")]\npublic static partial class Digits { }\n";
        GeneratorRun run = GeneratorHarness.Run(
            source,
            ("/x/other-digits.model.json", "not json at all"),
            ("/x/amodels/digits.model.json", "not json either"),
            (@"C:\x\models\digits.model.json", json));
        Assert.Empty(run.Diagnostics); // the two look-alikes are never read, so their bad JSON is never reported
        Assert.Contains("public const int InputSize = 2;", run.Source("Digits.g.cs"));
        GeneratorHarness.Emit(run.Output);
    }
}
