using System.Text;
using Prunet.Data;

namespace Prunet.Tests;

/// <summary>Small files and datasets made by the tests, in a directory removed afterwards.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "prunet-trainer-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Writes a text file (UTF-8, no BOM) and returns its path.</summary>
    public string Write(string name, string text)
    {
        string path = System.IO.Path.Combine(Path, name);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    /// <summary>Writes a binary file and returns its path.</summary>
    public string Write(string name, byte[] bytes)
    {
        string path = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Datasets made from a formula, so that tests know the answer without reading files.</summary>
internal static class Synthetic
{
    /// <summary>
    /// Three Gaussian-ish blobs in <paramref name="features"/> dimensions (deterministic), labels
    /// "a", "b", "c": separable, so training must reach near-perfect accuracy.
    /// </summary>
    public static Dataset Blobs(int rows, int features, int seed)
    {
        var random = new Random(seed);
        var x = new float[rows * features];
        var labels = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            labels[r] = r % 3;
            for (int i = 0; i < features; i++)
            {
                double centre = (i % 3) == labels[r] ? 3 : 0;
                x[(r * features) + i] = (float)(centre + random.NextDouble() - 0.5 + (10 * i));
            }
        }

        return Dataset.ForClassification("blobs", x, Enumerable.Range(0, features).Select(i => "f" + i).ToArray(), labels, new[] { "a", "b", "c" }, "label");
    }

    /// <summary>y = 3 x0 - 2 x1 + 0.5 x2 + 7 + small noise, with features on very different scales.</summary>
    public static Dataset Linear(int rows, int seed)
    {
        var random = new Random(seed);
        var x = new float[rows * 3];
        var y = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            float x0 = (float)random.NextDouble();
            float x1 = (float)(100 * random.NextDouble());
            float x2 = (float)(1000 + random.NextDouble());
            x[r * 3] = x0;
            x[(r * 3) + 1] = x1;
            x[(r * 3) + 2] = x2;
            y[r] = (float)((3 * x0) - (0.02 * x1) + (0.5 * (x2 - 1000)) + 7 + (0.01 * (random.NextDouble() - 0.5)));
        }

        return Dataset.ForRegression("linear", x, new[] { "x0", "x1", "x2" }, y, "y");
    }
}
