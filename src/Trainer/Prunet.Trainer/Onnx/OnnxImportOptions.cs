namespace Prunet.Onnx;

/// <summary>
/// What an ONNX graph does not say about a network, declared by whoever imports it.
/// </summary>
/// <param name="Task">
/// Classification or regression; null for: what a Prunet export recorded in its metadata, else
/// classification when the network has more than one output (PyTorch classifiers usually end in
/// raw logits) and regression when it has one.
/// </param>
/// <param name="Labels">One class name per output of a classifier; null for the exporter's recorded labels, if any, else none (class k is output k).</param>
/// <param name="InputScale">
/// Preprocessing the graph does not contain, applied to raw features before the graph's own:
/// <c>x' = (x - InputShift) * InputScale</c>. One value for every feature, or one per feature; null for 1.
/// </param>
/// <param name="InputShift">Subtracted from raw features before <paramref name="InputScale"/>: one value or one per feature; null for 0.</param>
public sealed record OnnxImportOptions(
    ModelTask? Task = null,
    IReadOnlyList<string>? Labels = null,
    IReadOnlyList<float>? InputScale = null,
    IReadOnlyList<float>? InputShift = null)
{
    /// <summary>No declarations: everything comes from the graph (and a Prunet export's metadata).</summary>
    public static OnnxImportOptions Default { get; } = new();
}
