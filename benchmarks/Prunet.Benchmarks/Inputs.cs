using Prunet.Data;

namespace Prunet.Benchmarks;

/// <summary>The rows a benchmark feeds its networks, cycled through one per call.</summary>
internal static class Inputs
{
    public const string FashionDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>
    /// "images": the first 1,024 Fashion-MNIST test images as raw pixels 0..255 (about half are
    /// exactly 0); "random": as many rows of uniform random pixels in [1, 255] (none zero).
    /// </summary>
    public static float[] Fashion(string kind)
    {
        const int Rows = 1024, Pixels = 784;
        if (kind == "random")
        {
            var rng = new Random(784);
            var values = new float[Rows * Pixels];
            for (int n = 0; n < values.Length; n++)
            {
                values[n] = 1 + rng.Next(255);
            }

            return values;
        }

        // The first images of the test file, read directly: loading the whole data set (both
        // files, 70,000 images) in every benchmark process took seconds each.
        string file = Path.Combine(FashionDirectory, "t10k-images-idx3-ubyte.gz");
        if (!File.Exists(file))
        {
            throw new InvalidOperationException("Fashion-MNIST is not installed: sudo apt-get install -y dataset-fashion-mnist");
        }

        using var gzip = new System.IO.Compression.GZipStream(File.OpenRead(file), System.IO.Compression.CompressionMode.Decompress);
        var header = new byte[16]; // magic, count, rows, columns
        gzip.ReadExactly(header);
        var pixels = new byte[Rows * Pixels];
        gzip.ReadExactly(pixels);
        return Array.ConvertAll(pixels, p => (float)p);
    }

    /// <summary>The test rows of a bundled dataset, raw features.</summary>
    public static float[] Bundled(string name) => DataSource.Load(new DataOptions(name)).Test.X;

    public static PrunedModel Model(string file) => PrunedModel.Load(Path.Combine(AppContext.BaseDirectory, file));

    /// <summary>Fails the benchmark run when an implementation disagrees with the interpreter: a wrong kernel must not look fast.</summary>
    public static void CheckAgreement(string what, PrunedModel model, float[] rows, Func<int, float[]> predictRow)
    {
        int size = model.InputSize;
        for (int r = 0; r < Math.Min(32, rows.Length / size); r++)
        {
            var expected = new float[model.OutputSize];
            model.Predict(rows.AsSpan(r * size, size), expected);
            float[] actual = predictRow(r);
            if (!OutputAgreement.Agrees(actual, expected, out string why))
            {
                throw new InvalidOperationException(what + " disagrees with the interpreter on row " + r + ": " + why);
            }
        }
    }
}
