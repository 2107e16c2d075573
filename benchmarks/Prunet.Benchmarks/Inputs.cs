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

        if (!Directory.Exists(FashionDirectory))
        {
            throw new InvalidOperationException("Fashion-MNIST is not installed: sudo apt-get install -y dataset-fashion-mnist");
        }

        Dataset test = DataSource.Load(new DataOptions(FashionDirectory)).Test;
        return test.X.AsSpan(0, Rows * Pixels).ToArray();
    }

    /// <summary>The test rows of a bundled dataset, raw features.</summary>
    public static float[] Bundled(string name) => DataSource.Load(new DataOptions(name)).Test.X;

    public static PrunedModel Model(string file) => PrunedModel.Load(Path.Combine(AppContext.BaseDirectory, file));

    /// <summary>Fails the benchmark run when an implementation disagrees with the interpreter: a wrong kernel must not look fast.</summary>
    public static void CheckAgreement(string what, PrunedModel model, float[] rows, Func<int, float[]> predictRow)
    {
        int size = model.InputSize;
        for (int r = 0; r < Math.Min(64, rows.Length / size); r++)
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
