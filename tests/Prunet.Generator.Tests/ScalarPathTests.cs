using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Prunet.Tests.Infrastructure;

namespace Prunet.Tests;

/// <summary>
/// The code paths this machine's CPU would not take are correct too: generated code runs in a
/// child process under settings that switch instruction sets off, and its outputs agree with the
/// interpreter. In-process tests cover this machine's own paths.
/// <list type="bullet">
/// <item>DOTNET_EnableHWIntrinsic=0: Vector256.IsHardwareAccelerated is false, every scalar path;</item>
/// <item>DOTNET_EnableAVX512=0: AVX2 without AVX-512, as on the machines that lack it (on an
/// AVX-512 CPU the JIT otherwise encodes the same Vector256 code with AVX-512 instructions);</item>
/// <item>DOTNET_PreferredVectorBitWidth=128: Avx2.IsSupported but Vector256.IsHardwareAccelerated
/// false, a mix of the kernels' two kinds of test (SparseWindows asks for AVX2, the others for
/// accelerated 256-bit vectors).</item>
/// </list>
/// </summary>
public sealed class ScalarPathTests : IClassFixture<ScalarPathTests.Probe>
{
    private readonly Probe _probe;

    public ScalarPathTests(Probe probe) => _probe = probe;

    public static TheoryData<string, string, string> Settings => new()
    {
        // variable, value, what the child's first line must say: Vector256 accelerated, AVX2, AVX-512F
        { "DOTNET_EnableHWIntrinsic", "0", "False False False" },
        { "DOTNET_EnableAVX512", "0", "* * False" },
        { "DOTNET_PreferredVectorBitWidth", "128", "False * *" },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public async Task GeneratedCodeAgreesWithTheInterpreterWithInstructionSetsSwitchedOff(string variable, string value, string expectedIsa)
    {
        Probe probe = _probe;
        var start = new ProcessStartInfo(DotnetHost(), "\"" + probe.Path + "\"") { RedirectStandardOutput = true, RedirectStandardError = true };
        // Only this setting: one inherited from the environment (a CI leg's own) would change what is tested.
        foreach (string inherited in start.Environment.Keys.Where(k => k.StartsWith("DOTNET_Enable", StringComparison.OrdinalIgnoreCase) || k.StartsWith("DOTNET_PreferredVectorBitWidth", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(inherited);
        }

        start.Environment[variable] = value;
        using Process process = Process.Start(start)!;
        // Both pipes read at once (one full pipe would block the child), and a hung child killed.
        Task<string> stdoutTask = process.StandardOutput.ReadToEndAsync();
        Task<string> stderrTask = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("the child process did not finish in 2 minutes under " + variable + "=" + value);
        }

        string stdout = await stdoutTask;
        string stderr = await stderrTask;
        Assert.True(process.ExitCode == 0, "the child process failed: " + stderr);

        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] isa = lines[0].Trim().Split(' ');
        string[] expected = expectedIsa.Split(' ');
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i] == "*" || expected[i] == isa[i], variable + "=" + value + " did not take effect: the child reports " + lines[0].Trim() + " (Vector256 accelerated, AVX2, AVX-512F)");
        }

        int line = 1;
        for (int m = 0; m < probe.Models.Length; m++)
        {
            foreach (string k in NetworkSources.Variants)
            {
                float[] actual = lines[line++].Trim().Split(' ').Select(t => float.Parse(t, CultureInfo.InvariantCulture)).ToArray();
                for (int r = 0; r < 4; r++)
                {
                    PrunedModel model = probe.Models[m];
                    var wanted = new float[model.OutputSize];
                    model.Predict(probe.Inputs[m].AsSpan(r * model.InputSize, model.InputSize), wanted);
                    Assert.True(OutputAgreement.Agrees(actual.AsSpan(r * wanted.Length, wanted.Length), wanted, out string why), variable + "=" + value + ", model " + m + ", kernel " + k + ", row " + r + ": " + why);
                }
            }
        }
    }

    /// <summary>The probe program, compiled once for the theory's cases and deleted after the last.</summary>
    public sealed class Probe : IDisposable
    {
        public Probe()
        {
            (Path, Models, Inputs) = Build();
        }

        public string Path { get; }

        public PrunedModel[] Models { get; }

        public float[][] Inputs { get; }

        public void Dispose() => Directory.Delete(System.IO.Path.GetDirectoryName(Path)!, recursive: true);
    }

    private static (string Path, PrunedModel[] Models, float[][] Inputs) Build()
    {
        var models = new[]
        {
            RandomNetworks.Mlp(new Random(11), new[] { 37, 29, 5 }, 0.0),
            RandomNetworks.Mlp(new Random(12), new[] { 50, 40, 3 }, 0.6, ModelTask.Regression),
            RandomNetworks.Create(new Random(13)),
            RandomNetworks.Mlp(new Random(15), new[] { 21, 41, 3 }, 0.0), // DenseSimd: a pass over 4 blocks, a single block, a tail row
            RandomNetworks.BlockPruned(new Random(16)), // Auto: BlockSparse and SparseColumns
            RandomNetworks.BlockPruned(new Random(17)),
            RandomNetworks.Mlp(new Random(18), new[] { 64, 32, 10 }, 0.0), // straight-line vectors, scalar twin one method per layer
        };
        string[] kernels = NetworkSources.Variants;
        var classes = new List<NetworkClass>();
        var files = new List<(string, string)>();
        for (int m = 0; m < models.Length; m++)
        {
            files.Add(("/p/m" + m + ".model.json", models[m].ToJson()));
            classes.AddRange(kernels.Select(k => NetworkSources.Variant("M" + m + k, "m" + m + ".model.json", k, models[m].Task == ModelTask.Classification)));
        }

        var rng = new Random(14);
        // Rows 0 and 1 have about half their inputs exactly zero (the zero-skipping paths), rows 2 and 3 none.
        float[][] inputs = models.Select(m => RandomNetworks.ValuesWithZeros(rng, 2 * m.InputSize, -3, 3).Concat(RandomNetworks.Values(rng, 2 * m.InputSize, -3, 3)).ToArray()).ToArray();
        var program = new StringBuilder("using System;\nusing System.Globalization;\npublic static class Program\n{\n    public static void Main()\n    {\n");
        program.Append("        Console.WriteLine(System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated + \" \" + System.Runtime.Intrinsics.X86.Avx2.IsSupported + \" \" + System.Runtime.Intrinsics.X86.Avx512F.IsSupported);\n");
        for (int m = 0; m < models.Length; m++)
        {
            program.Append("        float[] in" + m + " = { " + string.Join(", ", inputs[m].Select(v => v.ToString("R", CultureInfo.InvariantCulture) + "f")) + " };\n");
            foreach (string k in kernels)
            {
                program.Append("        { var o = new float[" + (4 * models[m].OutputSize) + "]; Test.Networks.M" + m + k + ".PredictBatch(in" + m + ", o); Console.WriteLine(string.Join(\" \", Array.ConvertAll(o, v => v.ToString(\"R\", CultureInfo.InvariantCulture)))); }\n");
            }
        }

        program.Append("    }\n}\n");
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(new[] { NetworkSources.For(classes), program.ToString() }, allowUnsafe: false, assemblyName: "ScalarProbe")
            .WithOptions(new CSharpCompilationOptions(OutputKind.ConsoleApplication, optimizationLevel: OptimizationLevel.Release, nullableContextOptions: NullableContextOptions.Enable));
        GeneratorDriver driver = GeneratorHarness.CreateDriver(files.Select(f => (AdditionalText)new InMemoryAdditionalText(f.Item1, f.Item2)));
        driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);
        byte[] image = GeneratorHarness.Emit(output);

        string directory = Directory.CreateTempSubdirectory("prunet-isa-").FullName;
        File.WriteAllBytes(Path.Combine(directory, "ScalarProbe.dll"), image);
        File.WriteAllText(Path.Combine(directory, "ScalarProbe.runtimeconfig.json"), "{\"runtimeOptions\":{\"tfm\":\"net" + Environment.Version.Major + ".0\",\"framework\":{\"name\":\"Microsoft.NETCore.App\",\"version\":\"" + Environment.Version.Major + ".0.0\"}}}");
        return (Path.Combine(directory, "ScalarProbe.dll"), models, inputs);
    }

    private static string DotnetHost()
    {
        string? root = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(root) && File.Exists(root) ? root : "dotnet";
    }
}
