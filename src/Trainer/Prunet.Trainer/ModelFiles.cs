using Prunet.Onnx;

namespace Prunet;

/// <summary>
/// Where the tools read a model given on the command line. One place, so that every command
/// (prune, eval, sweep, inspect) accepts the same kinds of file.
/// </summary>
public static class ModelFiles
{
    /// <summary>
    /// Reads a Prunet model file (JSON, docs/model-format.md), or imports an ONNX file (a path
    /// ending in <c>.onnx</c>) on the fly with the default import options (docs/onnx.md).
    /// </summary>
    public static PrunedModel Load(string path)
        => IsOnnx(path) ? OnnxImporter.Import(path) : PrunedModel.Load(path);

    /// <summary>True when the path names an ONNX file, by its extension.</summary>
    public static bool IsOnnx(string path) => path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);
}
