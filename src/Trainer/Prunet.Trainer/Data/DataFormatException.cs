using System.Text;

namespace Prunet.Data;

/// <summary>
/// Data that cannot be read as a dataset: a malformed CSV row, a truncated IDX file, an unknown
/// dataset name. Carries where it happened (file, line or byte offset, column) so that the message,
/// one line, tells the user what to fix.
/// </summary>
public sealed class DataFormatException : Exception
{
    /// <summary>Creates the exception; <see cref="Exception.Message"/> puts every known location before the reason.</summary>
    /// <param name="file">The file (or dataset name) the problem is in.</param>
    /// <param name="reason">What is wrong, in words.</param>
    /// <param name="line">1-based line number of a text file, if known.</param>
    /// <param name="column">The column's name (CSV header), if known.</param>
    /// <param name="byteOffset">0-based offset of a binary file (after decompression), if known.</param>
    /// <param name="innerException">The exception that revealed the problem, if any.</param>
    public DataFormatException(string file, string reason, long? line = null, string? column = null, long? byteOffset = null, Exception? innerException = null)
        : base(Describe(file, reason, line, column, byteOffset), innerException)
    {
        File = file;
        Reason = reason;
        Line = line;
        Column = column;
        ByteOffset = byteOffset;
    }

    /// <summary>The file (or dataset name) the problem is in.</summary>
    public string File { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Reason { get; }

    /// <summary>1-based line of a text file, or null.</summary>
    public long? Line { get; }

    /// <summary>The column's name, or null.</summary>
    public string? Column { get; }

    /// <summary>Byte offset in a binary file (after decompression), or null.</summary>
    public long? ByteOffset { get; }

    private static string Describe(string file, string reason, long? line, string? column, long? byteOffset)
    {
        var text = new StringBuilder(file);
        if (line != null)
        {
            text.Append(", line ").Append(line.Value);
        }

        if (byteOffset != null)
        {
            text.Append(", byte ").Append(byteOffset.Value);
        }

        if (column != null)
        {
            text.Append(", column \"").Append(column).Append('"');
        }

        // One line: a reason quoting a bad field must not break the message across lines.
        return text.Append(": ").Append(reason.Replace("\r", "\\r").Replace("\n", "\\n")).ToString();
    }
}
