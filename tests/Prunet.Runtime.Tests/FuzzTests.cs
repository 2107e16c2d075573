using System.Diagnostics;
using Prunet.Testing;
using Xunit.Abstractions;

namespace Prunet.Tests;

/// <summary>
/// Mutated and random model documents fed to the loader: never an unhandled exception, never a
/// hang; always a model or a PrunedModelFormatException. A fixed-seed budget runs here; set
/// PRUNET_FUZZ_ITERATIONS (and PRUNET_FUZZ_SEED) for a longer run.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper log)
{
    private static int Iterations => int.TryParse(Environment.GetEnvironmentVariable("PRUNET_FUZZ_ITERATIONS"), out int n) ? n : 3000;

    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("PRUNET_FUZZ_SEED"), out int n) ? n : 20261125;

    [Fact]
    public void MutatedDocumentsGiveAModelOrAFormatError()
    {
        string[] seeds = Fixtures.Models().Select(f => Fixtures.Read((string)f[0])).Concat(Enumerable.Range(1, 5).Select(s => RandomModels.Create(s).ToJson())).ToArray();
        int valid = 0, rejected = 0;
        var slowest = TimeSpan.Zero;
        for (int n = 0; n < Iterations; n++)
        {
            var random = new Random(Seed + n);
            string input = Mutator.Mutate(seeds[random.Next(seeds.Length)], random);
            var watch = Stopwatch.StartNew();
            try
            {
                PrunedModel.Parse(input, "fuzz.json");
                valid++;
            }
            catch (PrunedModelFormatException e)
            {
                Assert.False(string.IsNullOrWhiteSpace(e.Reason), $"input {n} (seed {Seed + n}): an error without a reason");
                Assert.StartsWith("$", e.JsonPath);
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"input {n} (seed {Seed + n}): {e.GetType().Name}: {e.Message}\n{Excerpt(input)}");
            }

            slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;
        }

        log.WriteLine($"{Iterations} mutated documents: {valid} read, {rejected} rejected with a located error; slowest {slowest.TotalMilliseconds:F0} ms");
        Assert.True(rejected > Iterations / 2, "the mutations should mostly break documents");

        // A hang would show as one input taking far longer than the rest (the largest inputs are
        // about 1 MB): a generous bound, not a speed claim.
        Assert.True(slowest < TimeSpan.FromSeconds(10), $"one input took {slowest.TotalSeconds:F1} s");
    }

    [Fact]
    public void DamagedBytesGiveAModelOrAFormatErrorThatNamesTheFile()
    {
        string directory = Directory.CreateTempSubdirectory("prunet-fuzz-").FullName;
        try
        {
            string text = Fixtures.Read("tiny-classifier.model.json");
            string path = Path.Combine(directory, "fuzz.model.json");
            for (int n = 0; n < Math.Max(100, Iterations / 20); n++)
            {
                var random = new Random(Seed + n);
                File.WriteAllBytes(path, Mutator.MutateBytes(text, random));
                try
                {
                    PrunedModel.Load(path);
                }
                catch (PrunedModelFormatException e)
                {
                    Assert.StartsWith(path, e.Message);
                }
            }

            File.WriteAllBytes(path, Array.Empty<byte>());
            Assert.Contains("empty", Assert.Throws<PrunedModelFormatException>(() => PrunedModel.Load(path)).Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string Excerpt(string input) => input.Length <= 400 ? input : input.Substring(0, 400) + "...";
}
