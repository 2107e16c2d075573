using System.Text.Json;

namespace Prunet.Tests;

/// <summary>The committed ONNX fixtures and what PyTorch (or numpy) computed for them (Fixtures/expected.json).</summary>
internal static class Fixtures
{
    private static readonly Lazy<JsonDocument> Expected = new(() => JsonDocument.Parse(File.ReadAllText(Path("expected.json"))));

    public static string Directory => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static string Path(string name) => System.IO.Path.Combine(Directory, name);

    /// <summary>The fixtures that import, with recorded outputs.</summary>
    public static IEnumerable<string> Importable
        => Expected.Value.RootElement.EnumerateObject().Select(p => p.Name).Where(n => n.EndsWith(".onnx", StringComparison.Ordinal)).OrderBy(n => n, StringComparer.Ordinal);

    public static TheoryData<string> ImportableData => new(Importable);

    public static JsonElement Record(string name) => Expected.Value.RootElement.GetProperty(name);

    public static float[][] Rows(string name, string property)
        => Record(name).GetProperty(property).EnumerateArray().Select(row => row.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray()).ToArray();

    public static long[] InputShape(string name)
        => Record(name).GetProperty("inputShape").EnumerateArray().Select(v => v.GetInt64()).ToArray();
}

/// <summary>A temporary directory, deleted after the test.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("prunet-onnx-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
