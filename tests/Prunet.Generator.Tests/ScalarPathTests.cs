using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Prunet.Tests.Infrastructure;

namespace Prunet.Tests;

/// <summary>
/// The scalar paths (no SIMD) are correct: generated code runs in a child process with
/// DOTNET_EnableHWIntrinsic=0, where Vector256.IsHardwareAccelerated is false, and its outputs
/// agree with the interpreter. In-process tests cover the SIMD paths of this machine.
/// </summary>
public sealed class ScalarPathTests
{
    [Fact]
    public void GeneratedCodeAgreesWithTheInterpreterWithoutHardwareIntrinsics()
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
        program.Append("        Console.WriteLine(System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated);\n");
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

        string directory = Directory.CreateTempSubdirectory("prunet-scalar-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(directory, "ScalarProbe.dll"), image);
            File.WriteAllText(Path.Combine(directory, "ScalarProbe.runtimeconfig.json"), "{\"runtimeOptions\":{\"tfm\":\"net" + Environment.Version.Major + ".0\",\"framework\":{\"name\":\"Microsoft.NETCore.App\",\"version\":\"" + Environment.Version.Major + ".0.0\"}}}");
            var start = new ProcessStartInfo(DotnetHost(), "\"" + Path.Combine(directory, "ScalarProbe.dll") + "\"") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["DOTNET_EnableHWIntrinsic"] = "0";
            using Process process = Process.Start(start)!;
            string stdout = process.StandardOutput.ReadToEnd();
            string stderr = process.StandardError.ReadToEnd();
            Assert.True(process.WaitForExit(60_000), "the child process did not finish");
            Assert.True(process.ExitCode == 0, "the child process failed: " + stderr);

            string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("False", lines[0].Trim()); // the SIMD path was really off
            int line = 1;
            for (int m = 0; m < models.Length; m++)
            {
                foreach (string k in kernels)
                {
                    float[] actual = lines[line++].Trim().Split(' ').Select(t => float.Parse(t, CultureInfo.InvariantCulture)).ToArray();
                    for (int r = 0; r < 4; r++)
                    {
                        var expected = new float[models[m].OutputSize];
                        models[m].Predict(inputs[m].AsSpan(r * models[m].InputSize, models[m].InputSize), expected);
                        Assert.True(OutputAgreement.Agrees(actual.AsSpan(r * expected.Length, expected.Length), expected, out string why), "model " + m + ", kernel " + k + ", row " + r + ": " + why);
                    }
                }
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string DotnetHost()
    {
        string? root = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(root) && File.Exists(root) ? root : "dotnet";
    }
}
