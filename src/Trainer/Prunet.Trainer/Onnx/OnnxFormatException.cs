using System.Text;

namespace Prunet.Onnx;

/// <summary>
/// An ONNX file that Prunet cannot import: not a valid ONNX protobuf, or a graph that is not a
/// fully connected network Prunet can represent. Carries where: the file, and the node (its index
/// in the graph, its name and its operator) when the problem is in one, so that the one-line
/// message tells the user which part of their network to change.
/// </summary>
public sealed class OnnxFormatException : Exception
{
    /// <summary>Creates the exception; the message puts the file and the node before the reason.</summary>
    /// <param name="sourceName">The file (or other source) the model came from, if known.</param>
    /// <param name="reason">What is wrong, and where it helps what would be accepted instead.</param>
    /// <param name="nodeIndex">The 0-based index of the node in the graph, or -1 when the problem is not in a node.</param>
    /// <param name="nodeName">The node's name (may be empty: names are optional in ONNX).</param>
    /// <param name="opType">The node's operator, such as <c>Gemm</c>.</param>
    /// <param name="innerException">The exception that revealed the problem, if any.</param>
    public OnnxFormatException(string? sourceName, string reason, int nodeIndex = -1, string? nodeName = null, string? opType = null, Exception? innerException = null)
        : base(Describe(sourceName, reason, nodeIndex, nodeName, opType), innerException)
    {
        SourceName = sourceName;
        Reason = reason;
        NodeIndex = nodeIndex;
        NodeName = nodeName;
        OpType = opType;
    }

    /// <summary>The file the model came from, or null.</summary>
    public string? SourceName { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Reason { get; }

    /// <summary>The 0-based index of the offending node in the graph, or -1.</summary>
    public int NodeIndex { get; }

    /// <summary>The offending node's name, or null (also empty when the node has none).</summary>
    public string? NodeName { get; }

    /// <summary>The offending node's operator, or null.</summary>
    public string? OpType { get; }

    /// <summary>How error messages name a node: <c>node 3 "/fc1/Gemm" (Gemm)</c>, the name left out when empty.</summary>
    public static string DescribeNode(int index, string? name, string? opType)
    {
        var text = new StringBuilder("node ").Append(index);
        if (!string.IsNullOrEmpty(name))
        {
            text.Append(" \"").Append(name).Append('"');
        }

        if (!string.IsNullOrEmpty(opType))
        {
            text.Append(" (").Append(opType).Append(')');
        }

        return text.ToString();
    }

    private static string Describe(string? sourceName, string reason, int nodeIndex, string? nodeName, string? opType)
    {
        var text = new StringBuilder();
        if (!string.IsNullOrEmpty(sourceName))
        {
            text.Append(sourceName).Append(": ");
        }

        if (nodeIndex >= 0)
        {
            text.Append(DescribeNode(nodeIndex, nodeName, opType)).Append(": ");
        }

        // One line: names inside a file could hold line breaks.
        return text.Append(reason).ToString().Replace("\r", "\\r").Replace("\n", "\\n");
    }
}
