using System;
using System.Text;

namespace Prunet;

/// <summary>
/// A model document or model object that does not follow the Prunet model format. It says where:
/// the file (when known), the line and column in the text (when the model came from text), and
/// the JSON path of the offending value, such as <c>$.layers[1].weights</c>.
/// </summary>
public sealed class PrunedModelFormatException : Exception
{
    /// <summary>An error found on a model object, located by JSON path only.</summary>
    public PrunedModelFormatException(string jsonPath, string reason)
        : this(reason, jsonPath, sourceName: null, line: 0, column: 0, offset: -1, length: 0)
    {
    }

    /// <summary>An error located in a model document's text.</summary>
    public PrunedModelFormatException(string reason, string jsonPath, string? sourceName, int line, int column, int offset, int length)
        : base(Describe(reason, jsonPath, sourceName, line, column))
    {
        Reason = reason;
        JsonPath = jsonPath;
        SourceName = sourceName;
        Line = line;
        Column = column;
        Offset = offset;
        Length = length;
    }

    /// <summary>What is wrong, without the location.</summary>
    public string Reason { get; }

    /// <summary>JSON path of the offending value, such as <c>$.layers[1].bias</c>.</summary>
    public string JsonPath { get; }

    /// <summary>The file the model came from, when it was read from one.</summary>
    public string? SourceName { get; }

    /// <summary>1-based line in the document, or 0 when the error is not in a text.</summary>
    public int Line { get; }

    /// <summary>1-based column in the document, or 0 when the error is not in a text.</summary>
    public int Column { get; }

    /// <summary>Offset of the offending token in the text, or -1.</summary>
    public int Offset { get; }

    /// <summary>Length of the offending token in the text (short: a bracket for objects and arrays).</summary>
    public int Length { get; }

    /// <summary>The same error with its path below <paramref name="prefix"/> (an error found inside a layer, reported for the model).</summary>
    internal PrunedModelFormatException Under(string prefix)
    {
        string path = JsonPath.StartsWith("$", StringComparison.Ordinal) ? prefix + JsonPath.Substring(1) : prefix + "." + JsonPath;
        return new PrunedModelFormatException(path, Reason);
    }

    private static string Describe(string reason, string jsonPath, string? sourceName, int line, int column)
    {
        var builder = new StringBuilder();
        if (sourceName != null)
        {
            builder.Append(sourceName);
            if (line > 0)
            {
                builder.Append('(').Append(line).Append(',').Append(column).Append(')');
            }

            builder.Append(": ");
        }
        else if (line > 0)
        {
            builder.Append("line ").Append(line).Append(", column ").Append(column).Append(": ");
        }

        if (jsonPath.Length > 0)
        {
            builder.Append(jsonPath).Append(": ");
        }

        return builder.Append(reason).ToString();
    }
}
