using System.Globalization;
using System.IO.Compression;
using System.Xml.Linq;
using Xunit.Abstractions;

namespace Prunet.Tests;

/// <summary>Packs the four packages once, into a local folder, for the tests of this class.</summary>
public sealed class PackedFeed : IDisposable
{
    public static readonly string[] Packages = { "Prunet.Generator", "Prunet.Runtime", "Prunet.Trainer", "Prunet.Cli" };

    public PackedFeed()
    {
        Root = Processes.RepositoryRoot();
        Work = Directory.CreateTempSubdirectory("prunet-packaging-").FullName;
        Feed = Path.Combine(Work, "feed");
        foreach (string project in new[] { "src/Generator", "src/Runtime", "src/Trainer/Prunet.Trainer", "src/Trainer/Prunet.Cli" })
        {
            Processes.Run("dotnet", $"pack \"{Path.Combine(Root, project)}\" -c Release -o \"{Feed}\"", Root);
        }

        Version = XDocument.Load(Path.Combine(Root, "Directory.Build.props")).Descendants("Version").Single().Value;

        // The global package cache keeps a package by name and version: drop earlier packs of this
        // version, so that restores below see the packages just built.
        string cache = Processes.Run("dotnet", "nuget locals global-packages --list", Root).Split(':', 2)[1].Trim();
        foreach (string package in Packages)
        {
            string cached = Path.Combine(cache, package.ToLowerInvariant(), Version);
            if (Directory.Exists(cached))
            {
                Directory.Delete(cached, recursive: true);
            }
        }
    }

    public string Root { get; }

    public string Work { get; }

    public string Feed { get; }

    public string Version { get; }

    public string Package(string id) => Path.Combine(Feed, id + "." + Version + ".nupkg");

    public void Dispose() => Directory.Delete(Work, recursive: true);
}

public sealed class PackagingTests(PackedFeed feed, ITestOutputHelper log) : IClassFixture<PackedFeed>
{
    [Fact]
    public void EveryPackageHasItsMetadataAndTheGeneratorOnlyItsAnalyzer()
    {
        foreach (string id in PackedFeed.Packages)
        {
            using ZipArchive package = ZipFile.OpenRead(feed.Package(id));
            XElement metadata = Nuspec(package);
            foreach (string field in new[] { "id", "version", "description", "license", "readme", "tags", "authors" })
            {
                Assert.False(string.IsNullOrWhiteSpace(Field(metadata, field)), $"{id}: no <{field}>");
            }

            Assert.Contains(package.Entries, e => e.FullName == "README.md");
        }

        using ZipArchive generator = ZipFile.OpenRead(feed.Package("Prunet.Generator"));
        Assert.Contains(generator.Entries, e => e.FullName == "analyzers/dotnet/cs/Prunet.Generator.dll");
        Assert.Contains(generator.Entries, e => e.FullName == "build/Prunet.Generator.props");
        Assert.DoesNotContain(generator.Entries, e => e.FullName.StartsWith("lib/", StringComparison.Ordinal));
        Assert.DoesNotContain(Nuspec(generator).Descendants(), e => e.Name.LocalName == "dependency");
        Assert.Equal("true", Field(Nuspec(generator), "developmentDependency"));

        using ZipArchive tool = ZipFile.OpenRead(feed.Package("Prunet.Cli"));
        Assert.Contains(tool.Entries, e => e.FullName.EndsWith("DotnetToolSettings.xml", StringComparison.Ordinal));
    }

    [Fact]
    public void AConsumerBuildsForNet8AndNet10AndAgreesWithTheInterpreter()
    {
        string app = CreateConsumer("consumer");
        Processes.Run("dotnet", "build -c Release", app);

        // The package's build props made PrunetDefaultKernel visible to the generator.
        string generated = Directory.GetFiles(Path.Combine(app, "obj", "generated"), "DigitsNet.g.cs", SearchOption.AllDirectories).First();
        Assert.Contains("// Kernel: SparseRows (PrunetDefaultKernel = SparseRows in the project)", File.ReadAllText(generated));

        foreach (string framework in new[] { "net8.0", "net10.0" })
        {
            // Only a newer runtime may be installed: the app rolls forward (RollForward=Major).
            string output = Processes.Run("dotnet", $"bin/Release/{framework}/Consumer.dll", app);
            AssertAgrees(output, framework);
        }
    }

    [Fact]
    public void AConsumerPublishesAsNativeAotWithoutWarningsAndRuns()
    {
        string app = CreateConsumer("aot");
        string publish = Processes.Run("dotnet", "publish -c Release -f net10.0 -r linux-x64 -p:PublishAot=true -o out", app);
        string[] warnings = publish.Split('\n').Where(l => l.Contains(": warning ", StringComparison.Ordinal)).ToArray();
        Assert.True(warnings.Length == 0, "Native AOT warnings:\n" + string.Join("\n", warnings));

        string binary = Path.Combine(app, "out", "Consumer");
        log.WriteLine($"Native AOT binary: {new FileInfo(binary).Length:N0} bytes");
        AssertAgrees(Processes.Run(binary, string.Empty, app), "Native AOT");
    }

    [X86V3Fact]
    public void AConsumerPublishedWithReadyToRunCompilesNothingOnItsFirstCall()
    {
        string app = CreateConsumer("r2r", defaultKernel: null);
        Processes.Run("dotnet", "publish -c Release -f net10.0 -r linux-x64 --self-contained false -p:PublishReadyToRun=true -p:PublishReadyToRunCrossgen2ExtraArgs=--instruction-set:x86-64-v3 -o out", app);
        // Settings inherited from the test run that would JIT-compile precompiled code regardless.
        var environment = new Dictionary<string, string> { ["DOTNET_ReadyToRun"] = "1", ["CORECLR_ENABLE_PROFILING"] = "0" };
        string output = Processes.Run("dotnet", "out/Consumer.dll", app, environment);
        AssertAgrees(output, "ReadyToRun");

        // Nothing left to the JIT, for the straight-line network (Auto) nor for a table kernel with
        // its aligned copy: not the network's methods (no AggressiveOptimization under ReadyToRun),
        // nor generic framework code they call (MemoryMarshal.GetReference<float> was, before FirstOf).
        Assert.Contains("first call: 0 methods compiled", output);
        Assert.Contains("first call (SparseWindows): 0 methods compiled", output);
        foreach (string name in new[] { "DigitsNet.g.cs", "DigitsWindows.g.cs" })
        {
            string generated = File.ReadAllText(Directory.GetFiles(Path.Combine(app, "obj"), name, SearchOption.AllDirectories).First());
            Assert.Contains("Vector256", generated);
            Assert.Contains("ref FirstOf(", generated);
            Assert.DoesNotContain("MemoryMarshal.GetReference(", generated);
            Assert.DoesNotContain("AggressiveOptimization", generated);
        }
    }

    [Fact]
    public void TheDigitsSamplePublishesAsNativeAotWithoutWarningsAndAgreesOnEveryTestRow()
    {
        // In this class, so that it never builds the shared projects while a pack does.
        string output = Path.Combine(feed.Work, "digits-aot");
        string publish = Processes.Run("dotnet", $"publish samples/Digits -c Release -r linux-x64 -o \"{output}\"", feed.Root);
        string[] warnings = publish.Split('\n').Where(l => l.Contains(": warning ", StringComparison.Ordinal)).ToArray();
        Assert.True(warnings.Length == 0, "Native AOT warnings:\n" + string.Join("\n", warnings));

        // The sample exits non-zero unless DigitsNet and the interpreter agree on every test row.
        string run = Processes.Run(Path.Combine(output, "Digits"), string.Empty, output);
        System.Text.RegularExpressions.Match agreeing = System.Text.RegularExpressions.Regex.Match(run, @"same class as the interpreter: (\d+) of (\d+) rows");
        Assert.True(agreeing.Success && agreeing.Groups[1].Value == agreeing.Groups[2].Value && int.Parse(agreeing.Groups[2].Value, CultureInfo.InvariantCulture) > 300, run);
        log.WriteLine($"samples/Digits as Native AOT: {new FileInfo(Path.Combine(output, "Digits")).Length:N0} bytes");
    }

    [Fact]
    public void ThePrunetToolInstallsFromThePackageAndRuns()
    {
        string tools = Path.Combine(feed.Work, "tools");
        Processes.Run("dotnet", $"tool install Prunet.Cli --tool-path \"{tools}\" --add-source \"{feed.Feed}\" --version {feed.Version}", feed.Work);
        string help = Processes.Run(Path.Combine(tools, "prunet"), "--help", feed.Work);
        foreach (string command in new[] { "train", "prune", "eval", "inspect" })
        {
            Assert.Contains(command, help);
        }
    }

    /// <summary>A throwaway app that gets the generator from the package folder, with the bundled digits model.</summary>
    private string CreateConsumer(string name, string? defaultKernel = "SparseRows")
    {
        string app = Path.Combine(feed.Work, name);
        Directory.CreateDirectory(app);
        File.Copy(Path.Combine(feed.Root, "samples", "Digits", "digits.model.json"), Path.Combine(app, "digits.model.json"));
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed.Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFrameworks>net8.0;net10.0</TargetFrameworks>
                <RollForward>Major</RollForward>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                {(defaultKernel == null ? string.Empty : "<PrunetDefaultKernel>" + defaultKernel + "</PrunetDefaultKernel>")}
                <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
                <CompilerGeneratedFilesOutputPath>obj/generated</CompilerGeneratedFilesOutputPath>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Prunet.Generator" Version="{feed.Version}" PrivateAssets="all" />
                <AdditionalFiles Include="digits.model.json" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using System;
            using System.Globalization;
            using System.Linq;
            using Prunet;

            // A table kernel (windows of inputs, an aligned weight copy): the first call of each class
            // is counted, for the ReadyToRun test.
            long before = System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: true);
            DigitsWindows.Predict(new float[DigitsWindows.InputSize], new float[DigitsWindows.OutputSize]);
            Console.WriteLine("first call (SparseWindows): " + (System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: true) - before) + " methods compiled");

            // Fixed inputs the test recomputes: pixel counts 0..16, like the digits data.
            before = System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: true);
            long firstCallCompiled = 0;
            for (int row = 0; row < 8; row++)
            {
                var pixels = new float[DigitsNet.InputSize];
                for (int i = 0; i < pixels.Length; i++)
                {
                    pixels[i] = ((row * 7) + (i * 3)) % 17;
                }

                var scores = new float[DigitsNet.OutputSize];
                DigitsNet.Predict(pixels, scores);
                if (row == 0)
                {
                    firstCallCompiled = System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: true) - before;
                }

                Console.WriteLine(row + " " + DigitsNet.PredictClass(pixels) + " " + string.Join(" ", scores.Select(s => s.ToString("R", CultureInfo.InvariantCulture))));
            }

            Console.WriteLine("first call: " + firstCallCompiled + " methods compiled");

            [PrunedNetwork("digits.model.json")]
            internal static partial class DigitsNet
            {
            }

            [PrunedNetwork("digits.model.json", Kernel = PrunedNetworkKernel.SparseWindows)]
            internal static partial class DigitsWindows
            {
            }
            """);
        return app;
    }

    private void AssertAgrees(string output, string what)
    {
        PrunedModel model = PrunedModel.Load(Path.Combine(feed.Root, "samples", "Digits", "digits.model.json"));
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.StartsWith("first call", StringComparison.Ordinal)).ToArray();
        Assert.True(lines.Length == 8, what + ": expected 8 lines, got:\n" + output);
        foreach (string line in lines)
        {
            string[] parts = line.Split(' ');
            int row = int.Parse(parts[0], CultureInfo.InvariantCulture);
            float[] pixels = Enumerable.Range(0, model.InputSize).Select(i => (float)(((row * 7) + (i * 3)) % 17)).ToArray();
            var expected = new float[model.OutputSize];
            model.Predict(pixels, expected);
            float[] actual = parts.Skip(2).Select(p => float.Parse(p, CultureInfo.InvariantCulture)).ToArray();
            Assert.True(OutputAgreement.Agrees(actual, expected, out string why), $"{what}, row {row}: {why}");
            Assert.Equal(PrunedModel.ArgMax(expected), int.Parse(parts[1], CultureInfo.InvariantCulture));
        }
    }

    private static XElement Nuspec(ZipArchive package)
    {
        using Stream stream = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static string? Field(XElement metadata, string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
}

/// <summary>
/// A fact that needs x86-64-v3 (AVX2, FMA, BMI1, BMI2, LZCNT): code precompiled for it is rejected
/// on a CPU without them and JIT-compiled again, so a test of what ReadyToRun leaves to the JIT
/// would measure nothing there. It is skipped on such a CPU, and the skip is counted.
/// </summary>
public sealed class X86V3FactAttribute : FactAttribute
{
    public X86V3FactAttribute()
    {
        if (!(System.Runtime.Intrinsics.X86.Avx2.IsSupported && System.Runtime.Intrinsics.X86.Fma.IsSupported
            && System.Runtime.Intrinsics.X86.Bmi1.IsSupported && System.Runtime.Intrinsics.X86.Bmi2.IsSupported && System.Runtime.Intrinsics.X86.Lzcnt.IsSupported))
        {
            Skip = "needs an x86-64-v3 CPU (AVX2, FMA, BMI1, BMI2, LZCNT), the instruction set the test precompiles for";
        }
    }
}
