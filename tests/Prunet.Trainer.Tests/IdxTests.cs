using System.Buffers.Binary;
using System.IO.Compression;
using Prunet.Data;

namespace Prunet.Tests;

public class IdxTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ReadsGzippedAndRawFilesFromADirectory()
    {
        byte[] trainPixels = Enumerable.Range(0, 5 * 2 * 3).Select(i => (byte)(i * 8)).ToArray();
        _dir.Write("train-images-idx3-ubyte.gz", Gzip(Images(5, 2, 3, trainPixels)));
        _dir.Write("train-labels-idx1-ubyte", Labels(new byte[] { 3, 1, 3, 7, 1 }));
        _dir.Write("t10k-images-idx3-ubyte", Images(2, 2, 3, new byte[12]));
        _dir.Write("t10k-labels-idx1-ubyte.gz", Gzip(Labels(new byte[] { 7, 3 })));

        DataSplit split = DataSource.Load(new DataOptions(_dir.Path));
        Assert.Equal((5, 6), (split.Train.Rows, split.Train.Features));
        Assert.Equal(trainPixels.Select(b => (float)b), split.Train.X);
        Assert.Equal(new[] { "1", "3", "7" }, split.Train.ClassNames);
        Assert.Equal(new[] { 1, 0, 1, 2, 0 }, split.Train.Labels);
        Assert.Equal("pixel5", split.Train.FeatureNames[5]);
        Assert.Equal(new[] { 2, 1 }, split.Test.Labels);
        Assert.Equal(Path.GetFileName(_dir.Path), split.Train.Name);
    }

    [Fact]
    public void WithoutTestFilesTheTrainingFilesAreSplit()
    {
        _dir.Write("train-images", Images(10, 1, 2, new byte[20]));
        _dir.Write("train-labels", Labels(new byte[] { 0, 1, 0, 1, 0, 1, 0, 1, 0, 1 }));
        DataSplit split = DataSource.Load(new DataOptions(_dir.Path, TestFraction: 0.2));
        Assert.Equal((8, 2), (split.Train.Rows, split.Test.Rows));
    }

    public static TheoryData<string, string> Broken() => new()
    {
        // which file is broken, what the message must say
        { "wrong-magic", "magic number 0x00000801, expected 0x00000803 (IDX images) (this is a label file)" },
        { "short-header", "truncated header" },
        { "truncated", "truncated: the header promises 3 × 2 × 2 = 12 bytes of images but only 11 follow" },
        { "trailing", "2 unexpected bytes after the 3 × 2 × 2 images" },
        { "count-mismatch", "has 2 labels but train-images has 3 images" },
        { "unseen-test-label", "label 9 (image 1) does not occur in the training labels (0, 1)" },
        { "corrupt-gzip", "gzip data is corrupt" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void BrokenFilesNameTheFileAndTheProblem(string problem, string message)
    {
        byte[] images = Images(3, 2, 2, new byte[12]);
        byte[] labels = Labels(new byte[] { 0, 1, 0 });
        string brokenFile = problem is "count-mismatch" ? "train-labels" : problem is "unseen-test-label" ? "t10k-labels" : "train-images";
        switch (problem)
        {
            case "wrong-magic": images = Labels(new byte[] { 0 }); break;
            case "short-header": images = images.Take(9).ToArray(); break;
            case "truncated": images = images.Take(images.Length - 1).ToArray(); break;
            case "trailing": images = images.Concat(new byte[2]).ToArray(); break;
            case "count-mismatch": labels = Labels(new byte[] { 0, 1 }); break;
            case "corrupt-gzip": images = Gzip(images).Take(30).Concat(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }).ToArray(); break;
        }

        _dir.Write("train-images", images);
        _dir.Write("train-labels", labels);
        if (problem == "unseen-test-label")
        {
            _dir.Write("t10k-images", Images(2, 2, 2, new byte[8]));
            _dir.Write("t10k-labels", Labels(new byte[] { 1, 9 }));
        }

        var e = Assert.Throws<DataFormatException>(() => DataSource.Load(new DataOptions(_dir.Path)));
        Assert.Equal(Path.Combine(_dir.Path, brokenFile), e.File);
        Assert.Contains(message, e.Message);
        Assert.StartsWith(e.File, e.Message);
        if (problem != "corrupt-gzip")
        {
            Assert.NotNull(e.ByteOffset);
        }
    }

    [Fact]
    public void AnIdxFilePassedAsCsvSaysToPassTheDirectory()
    {
        string path = _dir.Write("train-images", Images(1, 1, 1, new byte[1]));
        Assert.Contains("pass the directory", Assert.Throws<DataFormatException>(() => DataSource.Load(new DataOptions(path))).Message);
    }

    [Fact]
    public void MissingLabelFileIsNamed()
    {
        _dir.Write("train-images", Images(1, 1, 1, new byte[1]));
        Assert.Contains("no file matches train-labels*", Assert.Throws<DataFormatException>(() => DataSource.Load(new DataOptions(_dir.Path))).Message);
    }

    internal static byte[] Images(int count, int rows, int columns, byte[] pixels)
        => Header(0x00000803, count, rows, columns).Concat(pixels).ToArray();

    internal static byte[] Labels(byte[] labels) => Header(0x00000801, labels.Length).Concat(labels).ToArray();

    internal static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(bytes);
        }

        return output.ToArray();
    }

    private static byte[] Header(params int[] values)
    {
        var bytes = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 * i), values[i]);
        }

        return bytes;
    }
}
