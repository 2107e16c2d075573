namespace Prunet;

/// <summary>
/// Where the tools read a model given on the command line. One place, so that every command
/// (prune, eval, sweep, inspect) accepts the same kinds of file.
/// </summary>
public static class ModelFiles
{
    /// <summary>Reads a Prunet model file (JSON, docs/model-format.md).</summary>
    public static PrunedModel Load(string path) => PrunedModel.Load(path);
}
