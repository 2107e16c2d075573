using System.Collections.Generic;
using System.Text;

namespace Prunet.Format.Json;

internal enum JsonKind
{
    Object,
    Array,
    String,
    Number,
    True,
    False,
    Null,
}

/// <summary>
/// One value of a parsed JSON document, with where it sits in the text, so that every error
/// found later (a wrong shape, an unknown activation) can point back into the file.
/// </summary>
internal sealed class JsonNode
{
    private JsonNode(JsonDocumentText document, JsonKind kind, int start, int length, JsonNode? parent, string? key, int index)
    {
        Document = document;
        Kind = kind;
        Start = start;
        Length = length;
        Parent = parent;
        Key = key;
        Index = index;
    }

    public JsonDocumentText Document { get; }

    public JsonKind Kind { get; }

    /// <summary>Offset of the value's first character in the text.</summary>
    public int Start { get; }

    /// <summary>
    /// Length of the token in the text: the whole token for scalars, 1 (the opening bracket) for
    /// objects and arrays, so that a diagnostic underlines something short.
    /// </summary>
    public int Length { get; }

    public JsonNode? Parent { get; }

    /// <summary>The property name under which this value sits in its parent object, if any.</summary>
    public string? Key { get; }

    /// <summary>The index of this value in its parent array, or -1.</summary>
    public int Index { get; }

    /// <summary>Unescaped text of a string; the token text of a number.</summary>
    public string? Text { get; private set; }

    /// <summary>Properties of an object, in document order, with the name tokens for locating them.</summary>
    public List<JsonProperty>? Properties { get; private set; }

    /// <summary>Items of an array.</summary>
    public List<JsonNode>? Items { get; private set; }

    public (int Line, int Column) Position => Document.GetLineAndColumn(Start);

    /// <summary>The JSON path of this value, such as <c>$.layers[1].weights</c>.</summary>
    public string Path
    {
        get
        {
            var segments = new List<JsonNode>();
            for (JsonNode? node = this; node?.Parent != null; node = node.Parent)
            {
                segments.Add(node);
            }

            var builder = new StringBuilder("$");
            for (int i = segments.Count - 1; i >= 0; i--)
            {
                JsonNode segment = segments[i];
                if (segment.Key != null)
                {
                    builder.Append('.').Append(segment.Key);
                }
                else
                {
                    builder.Append('[').Append(segment.Index).Append(']');
                }
            }

            return builder.ToString();
        }
    }

    public static JsonNode CreateScalar(JsonDocumentText document, JsonKind kind, int start, int length, JsonNode? parent, string? key, int index, string? text)
        => new(document, kind, start, length, parent, key, index) { Text = text };

    public static JsonNode CreateObject(JsonDocumentText document, int start, JsonNode? parent, string? key, int index)
        => new(document, JsonKind.Object, start, 1, parent, key, index) { Properties = new List<JsonProperty>() };

    public static JsonNode CreateArray(JsonDocumentText document, int start, JsonNode? parent, string? key, int index)
        => new(document, JsonKind.Array, start, 1, parent, key, index) { Items = new List<JsonNode>() };

    /// <summary>The value of the named property, or null when the object has no such property.</summary>
    public JsonNode? this[string key]
    {
        get
        {
            if (Properties == null)
            {
                return null;
            }

            foreach (JsonProperty property in Properties)
            {
                if (property.Name == key)
                {
                    return property.Value;
                }
            }

            return null;
        }
    }

    /// <summary>
    /// Follows a path such as <c>$.layers[1].bias</c> as far as the document goes, returning the
    /// deepest node reached: errors found on the model object (not the text) are located this way.
    /// </summary>
    public JsonNode Find(string path)
    {
        JsonNode node = this;
        int i = path.StartsWith("$", System.StringComparison.Ordinal) ? 1 : 0;
        while (i < path.Length)
        {
            JsonNode? next = null;
            if (path[i] == '.')
            {
                int end = i + 1;
                while (end < path.Length && path[end] != '.' && path[end] != '[')
                {
                    end++;
                }

                next = node[path.Substring(i + 1, end - i - 1)];
                i = end;
            }
            else if (path[i] == '[')
            {
                int end = path.IndexOf(']', i);
                if (end < 0)
                {
                    break;
                }

                if (int.TryParse(path.Substring(i + 1, end - i - 1), out int index) && node.Items != null && index >= 0 && index < node.Items.Count)
                {
                    next = node.Items[index];
                }

                i = end + 1;
            }

            if (next == null)
            {
                break;
            }

            node = next;
        }

        return node;
    }
}

/// <summary>A property of a JSON object: its name token and its value.</summary>
internal readonly struct JsonProperty
{
    public JsonProperty(JsonNode nameToken, JsonNode value)
    {
        NameToken = nameToken;
        Value = value;
    }

    public JsonNode NameToken { get; }

    public JsonNode Value { get; }

    public string Name => NameToken.Text!;
}

/// <summary>The text of a JSON document and its line starts, to turn offsets into line and column.</summary>
internal sealed class JsonDocumentText
{
    private readonly List<int> _lineStarts = new() { 0 };

    public JsonDocumentText(string text, string? sourceName)
    {
        Text = text;
        SourceName = sourceName;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\n' || (c == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n')))
            {
                _lineStarts.Add(i + 1);
            }
        }
    }

    public string Text { get; }

    /// <summary>The file the text came from, for messages; null when parsed from a string.</summary>
    public string? SourceName { get; }

    /// <summary>1-based line and column of an offset.</summary>
    public (int Line, int Column) GetLineAndColumn(int offset)
    {
        int low = 0;
        int high = _lineStarts.Count - 1;
        while (low < high)
        {
            int middle = (low + high + 1) / 2;
            if (_lineStarts[middle] <= offset)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        return (low + 1, offset - _lineStarts[low] + 1);
    }
}
