using System.Buffers.Binary;
using Prunet.Data;
using Prunet.Testing;
using Xunit.Abstractions;

namespace Prunet.Tests;

/// <summary>
/// Mutated CSV and IDX inputs fed to the trainer's readers: never an unhandled exception, never a
/// hang, never a huge allocation from a lying header; always a dataset or a DataFormatException
/// that names the file. PRUNET_FUZZ_ITERATIONS and PRUNET_FUZZ_SEED set the budget.
/// </summary>
public sealed class ReaderFuzzTests(ITestOutputHelper log) : IDisposable
{
    private static int Iterations => int.TryParse(Environment.GetEnvironmentVariable("PRUNET_FUZZ_ITERATIONS"), out int n) ? n : 2000;

    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("PRUNET_FUZZ_SEED"), out int n) ? n : 20261201;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void MutatedCsvGivesADatasetOrAnErrorNamingTheFile()
    {
        string[] seeds =
        {
            Bundled("iris.csv"),
            Bundled("auto_mpg.csv"),
            "a,b,\"quoted, name\",y\n1,2,3,x\n4,5,6,y\n7,8,9,x\n",
        };
        int read = 0, rejected = 0;
        for (int n = 0; n < Iterations; n++)
        {
            var random = new Random(Seed + n);
            string text = MutateCsv(seeds[random.Next(seeds.Length)], random);
            try
            {
                Dataset data = CsvDatasetReader.Read(text, "fuzz.csv", "fuzz", null, null);
                Assert.True(data.Rows > 0 && data.Features > 0);
                Assert.DoesNotContain(data.X, v => !float.IsFinite(v));
                read++;
            }
            catch (DataFormatException e)
            {
                Assert.Equal("fuzz.csv", e.File);
                Assert.False(string.IsNullOrWhiteSpace(e.Reason), $"input {n} (seed {Seed + n}): an error without a reason");
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"input {n} (seed {Seed + n}): {e.GetType().Name}: {e.Message}\n{(text.Length > 300 ? text[..300] : text)}");
            }
        }

        log.WriteLine($"{Iterations} mutated CSV texts: {read} read, {rejected} rejected with the file named");
        Assert.True(rejected > Iterations / 4, "the mutations should often break the files");
        Assert.True(read > 0, "some mutations leave a readable file");
    }

    [Fact]
    public void MutatedIdxFilesGiveADatasetOrAnErrorNamingTheFile()
    {
        byte[] pixels = Enumerable.Range(0, 6 * 4 * 3).Select(i => (byte)(i * 5)).ToArray();
        byte[] images = IdxTests.Images(6, 4, 3, pixels);
        byte[] labels = IdxTests.Labels(new byte[] { 0, 1, 2, 0, 1, 2 });
        int read = 0, rejected = 0;
        for (int n = 0; n < Iterations / 4; n++)
        {
            var random = new Random(Seed + n);
            bool damageImages = random.Next(2) == 0;
            byte[] damaged = MutateIdx(damageImages ? images : labels, random);
            bool gzip = random.Next(4) == 0;
            string imagesPath = _dir.Write("images", gzip && damageImages ? IdxTests.Gzip(damaged) : damageImages ? damaged : images);
            string labelsPath = _dir.Write("labels", gzip && !damageImages ? IdxTests.Gzip(damaged) : damageImages ? labels : damaged);
            try
            {
                Dataset data = IdxReader.Read(imagesPath, labelsPath, "fuzz", null);
                Assert.Equal(data.Rows * data.Features, data.X.Length);
                read++;
            }
            catch (DataFormatException e)
            {
                Assert.Equal(damageImages ? imagesPath : labelsPath, e.File);
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"input {n} (seed {Seed + n}), damaged {(damageImages ? "images" : "labels")}: {e.GetType().Name}: {e.Message}");
            }
        }

        log.WriteLine($"{Iterations / 4} damaged IDX pairs: {read} read, {rejected} rejected with the file named");
        Assert.True(rejected > Iterations / 16);
    }

    /// <summary>The first 40 lines of a bundled dataset, from the trainer's resources.</summary>
    private static string Bundled(string file)
    {
        using Stream stream = typeof(DataSource).Assembly.GetManifestResourceStream("Prunet.Data." + file)!;
        using var reader = new StreamReader(stream);
        return string.Join("\n", reader.ReadToEnd().Split('\n').Take(40));
    }

    /// <summary>JSON-style mutations (the shared mutator) and CSV-specific ones: quotes, separators, odd numbers.</summary>
    private static string MutateCsv(string text, Random random)
    {
        if (random.Next(3) > 0)
        {
            return Mutator.Mutate(text, random);
        }

        string[] inserts = { "\"", ",", "\n", "\r\n", ",,", "NaN", "1e400", "-Infinity", "\"a\"\"b\"", " ", "\t", "\u00a0", "１", "1,5", "0x10" };
        int at = random.Next(text.Length + 1);
        return text.Insert(at, inserts[random.Next(inserts.Length)]);
    }

    /// <summary>Byte flips, truncations, extensions and lying header fields (counts up to 2³¹−1).</summary>
    private static byte[] MutateIdx(byte[] file, Random random)
    {
        byte[] copy = (byte[])file.Clone();
        switch (random.Next(5))
        {
            case 0:
                return copy.Take(random.Next(copy.Length)).ToArray();
            case 1:
                return copy.Concat(new byte[random.Next(1, 40)]).ToArray();
            case 2:
                copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
                return copy;
            case 3:
                int field = 4 * random.Next(1, Math.Min(4, copy.Length / 4));
                int value = random.Next(3) switch { 0 => int.MaxValue, 1 => -1 - random.Next(10), _ => random.Next(0, 100_000) };
                BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(field), value);
                return copy;
            default:
                copy[random.Next(4)] = (byte)random.Next(256);
                return copy;
        }
    }
}
