extern alias gen;

using System.Reflection;
using Prunet.Tests.Infrastructure;

namespace Prunet.Tests;

/// <summary>The shape of the generated class: members, accessibility, argument checks, no allocation.</summary>
public sealed class GeneratedApiTests
{
    private const string Source = @"using System;
using Prunet;

namespace Demo
{
    [PrunedNetwork(""models/tiny.model.json"")]
    public static partial class Tiny { }

    [PrunedNetwork(""models/sparse.model.json"")]
    internal static partial class Sparse { }

    public static partial class Outer
    {
        [PrunedNetwork(""models/tiny.model.json"", Kernel = PrunedNetworkKernel.DenseSimd)]
        public static partial class Nested { }
    }

    public static class Probe
    {
        public static string Check(int which, int inputLength, int outputLength)
        {
            try
            {
                if (which == 0) Tiny.Predict(new float[inputLength], new float[outputLength]);
                else if (which == 1) Tiny.PredictClass(new float[inputLength]);
                else Tiny.PredictBatch(new float[inputLength], new float[outputLength]);
                return ""ok"";
            }
            catch (ArgumentException e)
            {
                return e.ParamName + "": "" + e.Message;
            }
        }

        public static long AllocatedBytes(int calls)
        {
            var input = new float[Tiny.InputSize];
            var output = new float[Tiny.OutputSize];
            var sparseOut = new float[Sparse.OutputSize];
            var sparseIn = new float[Sparse.InputSize];
            for (int n = 0; n < 2; n++)
            {
                Tiny.Predict(input, output);
                Tiny.PredictClass(input);
                Outer.Nested.Predict(input, output);
                Sparse.Predict(sparseIn, sparseOut);
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int n = 0; n < calls; n++)
            {
                Tiny.Predict(input, output);
                Tiny.PredictClass(input);
                Outer.Nested.Predict(input, output);
                Sparse.Predict(sparseIn, sparseOut);
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
    }
}
";

    private static LoadedAssembly Build(out GeneratorRun run)
    {
        run = GeneratorHarness.Run(Source, ("/p/models/tiny.model.json", SnapshotTests.TinyNet().ToJson()), ("/p/models/sparse.model.json", SnapshotTests.SparseNet().ToJson()));
        Assert.Empty(run.Diagnostics);

        // No unsafe code is needed: a consumer does not have to set AllowUnsafeBlocks.
        return GeneratorHarness.Load(GeneratorHarness.Emit(run.Output.WithOptions(run.Output.Options.WithOptimizationLevel(Microsoft.CodeAnalysis.OptimizationLevel.Release))));
    }

    [Fact]
    public void MembersFollowTheModelAndTheClassAccessibility()
    {
        using LoadedAssembly assembly = Build(out GeneratorRun run);
        Type tiny = assembly.Assembly.GetType("Demo.Tiny")!;
        Assert.True(tiny.IsPublic);
        Assert.Equal(2, tiny.GetField("InputSize")!.GetRawConstantValue());
        Assert.Equal(2, tiny.GetField("OutputSize")!.GetRawConstantValue());
        var labels = (IReadOnlyList<string>)tiny.GetProperty("Labels")!.GetValue(null)!;
        Assert.Equal(new[] { "cat", "dog" }, labels);
        Assert.IsNotType<string[]>(labels); // read-only: no static mutable state
        Assert.NotNull(tiny.GetMethod("PredictClass"));
        Assert.NotNull(tiny.GetMethod("PredictBatch"));
        Assert.Null(tiny.GetProperty("InputNames"));

        Type sparse = assembly.Assembly.GetType("Demo.Sparse")!;
        Assert.False(sparse.IsPublic); // internal class: its generated members are internal in effect
        Assert.Null(sparse.GetMethod("PredictClass")); // regression model
        Assert.Null(sparse.GetProperty("Labels"));
        Assert.Equal(new[] { "a", "b", "c", "d", "e", "f" }, (IReadOnlyList<string>)sparse.GetProperty("InputNames")!.GetValue(null)!);
        Assert.NotNull(assembly.Assembly.GetType("Demo.Outer+Nested")!.GetMethod("Predict"));

        // No mutable static state: every static field is read-only or constant.
        Type[] implementations = assembly.Assembly.GetTypes().Where(t => t.Namespace == "Prunet.Generated").ToArray();
        Assert.Equal(3, implementations.Length); // one file-local class per network
        Assert.All(implementations, t => Assert.False(t.IsPublic));
        foreach (Type type in implementations.Append(tiny).Append(sparse))
        {
            foreach (FieldInfo field in type.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
            {
                Assert.True(field.IsInitOnly || field.IsLiteral, type.Name + "." + field.Name + " is mutable");
            }
        }

        Assert.Contains("[global::System.CodeDom.Compiler.GeneratedCode(\"Prunet.Generator\", \"0.1.0\")]", run.Source("Demo.Tiny.g.cs"));
        Assert.Contains("Demo.Outer.Nested.g.cs", run.Networks.Select(n => n.HintName));
    }

    [Theory]
    [InlineData(0, 3, 2, "input: expected 2 input features, got 3")]
    [InlineData(0, 2, 1, "output: expected 2 outputs, got 1")]
    [InlineData(1, 1, 0, "input: expected 2 input features, got 1")]
    [InlineData(2, 5, 4, "inputs: expected a multiple of 2 input values (rows × 2 features), got 5")]
    [InlineData(2, 4, 2, "outputs: expected 4 output values (2 rows × 2), got 2")]
    [InlineData(2, 6, 6, "ok")]
    [InlineData(0, 2, 2, "ok")]
    public void WrongLengthsThrowArgumentExceptionNamingTheExpectedSize(int which, int inputLength, int outputLength, string expected)
    {
        using LoadedAssembly assembly = Build(out _);
        string result = (string)assembly.Call("Demo.Probe", "Check", which, inputLength, outputLength)!;
        Assert.StartsWith(expected, result);
    }

    [Fact]
    public void UserTypesNamedLikeSystemTypesDoNotChangeTheGeneratedCode()
    {
        const string Shadows = @"using Prunet;
public class Vector256 { }
public class MathF { }
namespace Demo
{
    public class Span { }
    public class ReadOnlySpan { }
    public class Unsafe { }
    public class MemoryMarshal { }
    public class ArgumentException { }
    public class GeneratedCode { }

    [PrunedNetwork(""dense.model.json"", Kernel = PrunedNetworkKernel.DenseSimd)]
    public static partial class Dense { }

    [PrunedNetwork(""sparse.model.json"", Kernel = PrunedNetworkKernel.SparseRows)]
    public static partial class Sparse { }

    public static partial class Global { }
}

[PrunedNetwork(""dense.model.json"", Kernel = PrunedNetworkKernel.Unrolled)]
public static partial class InGlobalNamespace { }

namespace @namespace.Inner
{
    public partial record struct Outer<T>
    {
        [PrunedNetwork(""dense.model.json"", Kernel = PrunedNetworkKernel.SparseRows)]
        internal static partial class @class { }
    }
}
";
        GeneratorRun run = GeneratorHarness.Run(Shadows, ("/p/dense.model.json", SnapshotTests.DenseNet().ToJson()), ("/p/sparse.model.json", SnapshotTests.SparseNet().ToJson()));
        Assert.Empty(run.Diagnostics);
        GeneratorHarness.Emit(run.Output);
    }

    [Fact]
    public void PredictionsDoNotAllocate()
    {
        using LoadedAssembly assembly = Build(out _);
        Assert.Equal(0L, (long)assembly.Call("Demo.Probe", "AllocatedBytes", 1000)!);
    }

    [Fact]
    public void GeneratorVersionMatchesTheBuildVersion()
    {
        string props = File.ReadAllText(Path.Combine(Snapshot.RepositoryRoot(), "Directory.Build.props"));
        Assert.Contains("<Version>" + gen::Prunet.Generator.GeneratorInfo.Version + "</Version>", props);
    }
}
