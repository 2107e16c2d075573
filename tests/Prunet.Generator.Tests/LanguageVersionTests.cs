using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Prunet.Tests.Infrastructure;

namespace Prunet.Tests;

/// <summary>
/// Consumers on C# 10 (which has no file-local types) get the computation in an internal class
/// with a name unique in the assembly; C# 11 and later get a file-local class. Both agree with the interpreter.
/// </summary>
public sealed class LanguageVersionTests
{
    private static readonly string[] Kernels = NetworkSources.Variants;

    [Theory]
    [InlineData(LanguageVersion.CSharp10, "internal static class Test_Networks_Net0AutoInference", "=> ref MemoryMarshal.GetReference(values);")]
    [InlineData(LanguageVersion.CSharp11, "file static class Net0AutoInference", "=> ref MemoryMarshal.GetReference(values);")]
    [InlineData(LanguageVersion.CSharp12, "file static class Net0AutoInference", "ref Unsafe.AsRef(in values[0]);")]
    [InlineData(LanguageVersion.Latest, "file static class Net0AutoInference", "ref Unsafe.AsRef(in values[0]);")]
    public void GeneratedCodeCompilesAndAgreesForEveryLanguageVersionFromCSharp10(LanguageVersion version, string implementationClass, string firstOfBody)
    {
        var models = Enumerable.Range(0, 6).Select(n => RandomNetworks.Create(new Random(500 + n))).Append(RandomNetworks.BlockPruned(new Random(506))).ToArray();
        var classes = new List<NetworkClass>();
        for (int n = 0; n < models.Length; n++)
        {
            classes.AddRange(Kernels.Select(k => NetworkSources.Variant("Net" + n + k, "models/net" + n + ".model.json", k, models[n].Task == ModelTask.Classification)));
        }

        // Two classes of the same name in different namespaces must not collide in the C# 10 form.
        string twin = "namespace Other { [Prunet.PrunedNetwork(\"models/net0.model.json\")] public static partial class Net0Auto { } }";
        var options = new CSharpParseOptions(version);
        GeneratorRun run = GeneratorHarness.Run(
            new[] { NetworkSources.For(classes), twin },
            models.Select((m, n) => (AdditionalText)new InMemoryAdditionalText("/p/models/net" + n + ".model.json", m.ToJson())),
            parseOptions: options);
        Assert.Empty(run.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(GeneratorHarness.Describe));
        Assert.Contains(implementationClass, run.Source("Test.Networks.Net0Auto.g.cs"));
        // FirstOf avoids MemoryMarshal.GetReference (left to the JIT under ReadyToRun) where the language allows it.
        Assert.Contains(firstOfBody, run.Source("Test.Networks.Net0Auto.g.cs"));

        using LoadedAssembly assembly = GeneratorHarness.Load(GeneratorHarness.Emit(run.Output));
        var random = new Random(7);
        for (int n = 0; n < models.Length; n++)
        {
            float[] input = RandomNetworks.Values(random, models[n].InputSize, -3f, 3f);
            var expected = new float[models[n].OutputSize];
            models[n].Predict(input, expected);
            foreach (string kernel in Kernels)
            {
                var actual = new float[models[n].OutputSize];
                assembly.Predict("Net" + n + kernel, input, actual);
                Assert.True(OutputAgreement.Agrees(actual, expected, out string why), $"C# {version}, network {n}, {kernel}: {why}");
            }
        }
    }
}
