using System.Text;

namespace Prunet.Data;

/// <summary>One CSV record: its fields and the line it starts on (a quoted field may span lines).</summary>
internal readonly record struct CsvRecord(long Line, string[] Fields);

/// <summary>
/// Splits RFC 4180 text into records: comma-separated fields, records ended by CRLF, LF or CR,
/// fields optionally in double quotes (inside which commas and line breaks are data and "" is one
/// quote). Blank lines are skipped. Anything RFC 4180 does not allow (a quote inside an unquoted
/// field, text after a closing quote, a quote never closed) is an error rather than a guess, since
/// a guess would silently shift columns.
/// </summary>
internal static class CsvReader
{
    /// <summary>The records of <paramref name="text"/>, read lazily; <paramref name="file"/> names it in errors.</summary>
    public static IEnumerable<CsvRecord> Records(string text, string file)
    {
        int position = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        long line = 1;
        var fields = new List<string>();
        var field = new StringBuilder();
        while (position < text.Length)
        {
            long recordLine = line;
            fields.Clear();
            bool blank = true;
            while (true)
            {
                field.Clear();
                if (position < text.Length && text[position] == '"')
                {
                    blank = false;
                    long quoteLine = line;
                    position++;
                    while (true)
                    {
                        if (position >= text.Length)
                        {
                            throw new DataFormatException(file, "a quoted field opened on this line is never closed (missing \")", quoteLine);
                        }

                        char c = text[position];
                        if (c == '"')
                        {
                            if (position + 1 < text.Length && text[position + 1] == '"')
                            {
                                field.Append('"');
                                position += 2;
                                continue;
                            }

                            position++;
                            break;
                        }

                        if (c == '\n' || (c == '\r' && (position + 1 >= text.Length || text[position + 1] != '\n')))
                        {
                            line++;
                        }

                        field.Append(c);
                        position++;
                    }

                    if (position < text.Length && text[position] != ',' && text[position] != '\r' && text[position] != '\n')
                    {
                        throw new DataFormatException(file, "unexpected '" + text[position] + "' after the closing quote of field " + (fields.Count + 1) + " (a quoted field must end at a comma or the end of the line)", line);
                    }
                }
                else
                {
                    while (position < text.Length && text[position] != ',' && text[position] != '\r' && text[position] != '\n')
                    {
                        if (text[position] == '"')
                        {
                            throw new DataFormatException(file, "a quote inside unquoted field " + (fields.Count + 1) + "; quote the whole field and double the quotes inside it (RFC 4180)", line);
                        }

                        field.Append(text[position]);
                        position++;
                    }

                    blank &= field.Length == 0 || string.IsNullOrWhiteSpace(field.ToString());
                }

                fields.Add(field.ToString());
                if (position < text.Length && text[position] == ',')
                {
                    blank = false;
                    position++;
                    continue;
                }

                // End of the record: one CRLF, LF or CR, or the end of the text.
                if (position < text.Length)
                {
                    position += text[position] == '\r' && position + 1 < text.Length && text[position + 1] == '\n' ? 2 : 1;
                    line++;
                }

                break;
            }

            if (!(blank && fields.Count == 1))
            {
                yield return new CsvRecord(recordLine, fields.ToArray());
            }
        }
    }
}
