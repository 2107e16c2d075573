namespace Prunet.Onnx;

/// <summary>
/// Keys of the <c>metadata_props</c> a Prunet export writes, so that importing it again gives
/// back the same model: what ONNX has no place for (the task, class labels, feature names, the
/// pruning block sizes and the provenance), as JSON text. Other tools ignore them.
/// </summary>
internal static class OnnxMetadata
{
    /// <summary><c>classification</c> or <c>regression</c>.</summary>
    public const string Task = "prunet.task";

    /// <summary>A JSON array of class names.</summary>
    public const string Labels = "prunet.labels";

    /// <summary>A JSON array of input feature names.</summary>
    public const string InputNames = "prunet.inputNames";

    /// <summary>A JSON array with each layer's block size, written when one is not 1.</summary>
    public const string BlockSizes = "prunet.blockSizes";

    /// <summary>The model's provenance, a JSON object.</summary>
    public const string Provenance = "prunet.provenance";
}
