extern alias gen;

using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Prunet.Tests.Infrastructure;

/// <summary>An AdditionalFiles item held in memory.</summary>
public sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
{
    private readonly SourceText _text = SourceText.From(text);

    public override string Path { get; } = path;

    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
}

/// <summary>What one run of the generator gave: its outputs and the compilation with them.</summary>
public sealed record GeneratorRun(GeneratorDriver Driver, GeneratorDriverRunResult Result, Compilation Output, TimeSpan Elapsed)
{
    public ImmutableArray<Diagnostic> Diagnostics => Result.Diagnostics;

    /// <summary>The generated source with the given hint name (not the attribute file).</summary>
    public string Source(string hintName) => Result.Results[0].GeneratedSources.Single(s => s.HintName == hintName).SourceText.ToString();

    public IEnumerable<GeneratedSourceResult> Networks => Result.Results[0].GeneratedSources.Where(s => s.HintName != "PrunedNetworkAttribute.g.cs");
}

/// <summary>Runs the generator the way the compiler does, compiles its output against net8.0 references and loads it.</summary>
public static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.CSharp12);

    /// <summary>
    /// The net8.0 reference assemblies generated code is compiled against: the oldest target it
    /// supports. Basic.Reference.Assemblies needs Roslyn 4.11 or later, so the Roslyn 4.8 build
    /// of these tests reads the net8.0 targeting pack instead (its project downloads it).
    /// </summary>
    public static IEnumerable<PortableExecutableReference> Net80References { get; } =
#if ROSLYN_4_8
        Directory.GetFiles(typeof(GeneratorHarness).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Net80ReferencePath").Value!, "*.dll")
            .Select(path => MetadataReference.CreateFromFile(path))
            .ToArray();
#else
        Basic.Reference.Assemblies.Net80.References.All;
#endif

    public static CSharpCompilation CreateCompilation(IEnumerable<string> sources, bool allowUnsafe = true, string assemblyName = "Generated", CSharpParseOptions? parseOptions = null)
        => CSharpCompilation.Create(
            assemblyName + "_" + Guid.NewGuid().ToString("N"),
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, parseOptions ?? ParseOptions, path: "/src/File" + i + ".cs")),
            Net80References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, allowUnsafe: allowUnsafe, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver(IEnumerable<AdditionalText> files, bool trackSteps = false, CSharpParseOptions? parseOptions = null, IReadOnlyDictionary<string, string>? buildProperties = null)
        => CSharpGeneratorDriver.Create(
            new[] { new gen::Prunet.Generator.PrunedNetworkGenerator().AsSourceGenerator() },
            additionalTexts: files,
            parseOptions: parseOptions ?? ParseOptions,
            optionsProvider: new BuildProperties(buildProperties ?? new Dictionary<string, string>()),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    public static GeneratorRun Run(IEnumerable<string> sources, IEnumerable<AdditionalText> files, bool allowUnsafe = true, CSharpParseOptions? parseOptions = null, IReadOnlyDictionary<string, string>? buildProperties = null)
    {
        CSharpCompilation compilation = CreateCompilation(sources, allowUnsafe, parseOptions: parseOptions);
        GeneratorDriver driver = CreateDriver(files, parseOptions: parseOptions, buildProperties: buildProperties);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);
        watch.Stop();
        GeneratorDriverRunResult result = driver.GetRunResult();
        foreach (GeneratorRunResult generator in result.Results)
        {
            Assert.True(generator.Exception == null, "the generator threw: " + generator.Exception);
        }

        return new GeneratorRun(driver, result, output, watch.Elapsed);
    }

    public static GeneratorRun Run(string source, params (string Path, string Text)[] files)
        => Run(new[] { source }, files.Select(f => (AdditionalText)new InMemoryAdditionalText(f.Path, f.Text)));

    /// <summary>Emits the compilation; fails the test on any error or warning, printing the offending lines.</summary>
    public static byte[] Emit(Compilation compilation)
    {
        using var stream = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult result = compilation.Emit(stream);
        Diagnostic[] problems = result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        if (problems.Length > 0)
        {
            Assert.Fail("the generated code does not compile cleanly:\n" + string.Join("\n", problems.Take(20).Select(Describe)));
        }

        Assert.True(result.Success);
        return stream.ToArray();
    }

    public static string Describe(Diagnostic d)
    {
        string line = string.Empty;
        if (d.Location.SourceTree != null)
        {
            int n = d.Location.GetLineSpan().StartLinePosition.Line;
            line = " | " + d.Location.SourceTree.GetText().Lines[n].ToString().Trim();
        }

        return d + line;
    }

    /// <summary>Loads an assembly into a collectible context; dispose to unload it.</summary>
    public static LoadedAssembly Load(byte[] image) => new(image);
}

public sealed class LoadedAssembly : IDisposable
{
    private readonly AssemblyLoadContext _context = new("generated", isCollectible: true);

    public LoadedAssembly(byte[] image) => Assembly = _context.LoadFromStream(new MemoryStream(image));

    public Assembly Assembly { get; }

    public object? Call(string type, string method, params object?[] arguments)
    {
        MethodInfo info = Assembly.GetType(type, throwOnError: true)!.GetMethod(method, BindingFlags.Public | BindingFlags.Static)
            ?? throw new MissingMethodException(type, method);
        try
        {
            return info.Invoke(null, arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException != null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    public void Dispose() => _context.Unload();
}

/// <summary>MSBuild properties as the compiler passes them to generators (<c>build_property.Name</c>).</summary>
public sealed class BuildProperties(IReadOnlyDictionary<string, string> properties) : Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptionsProvider
{
    private readonly Options _global = new(properties.ToDictionary(p => "build_property." + p.Key, p => p.Value));
    private static readonly Options None = new(new Dictionary<string, string>());

    public override Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions GlobalOptions => _global;

    public override Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions GetOptions(SyntaxTree tree) => None;

    public override Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions GetOptions(AdditionalText textFile) => None;

    private sealed class Options(Dictionary<string, string> values) : Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
    }
}
