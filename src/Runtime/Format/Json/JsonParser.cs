using System.Text;

namespace Prunet.Format.Json;

/// <summary>
/// A strict JSON parser (RFC 8259) that keeps the position of every value. Written without
/// System.Text.Json so that the source generator can compile it too: a System.Text.Json bundled
/// into an analyzer that differs from the compiler host's copy can stop the analyzer loading.
/// </summary>
internal sealed class JsonParser
{
    /// <summary>Deeper documents are rejected: a model needs about six levels.</summary>
    public const int MaxDepth = 64;

    private readonly JsonDocumentText _document;
    private readonly string _text;
    private int _position;

    private JsonParser(JsonDocumentText document)
    {
        _document = document;
        _text = document.Text;
    }

    /// <summary>Parses a whole document; throws <see cref="PrunedModelFormatException"/> at the first syntax error.</summary>
    public static JsonNode Parse(string text, string? sourceName)
    {
        var parser = new JsonParser(new JsonDocumentText(text, sourceName));

        // A byte order mark that survived decoding is not part of the document.
        if (parser._text.Length > 0 && parser._text[0] == '\uFEFF')
        {
            parser._position = 1;
        }

        parser.SkipWhitespace();
        if (parser._position >= parser._text.Length)
        {
            throw parser.Error("the document is empty: expected a JSON object", "$", parser._position);
        }

        JsonNode root = parser.ParseValue(parent: null, key: null, index: -1, depth: 1);
        parser.SkipWhitespace();
        if (parser._position < parser._text.Length)
        {
            throw parser.Error("unexpected " + parser.Describe(parser._position) + " after the end of the document", "$", parser._position);
        }

        return root;
    }

    private JsonNode ParseValue(JsonNode? parent, string? key, int index, int depth)
    {
        if (_position >= _text.Length)
        {
            throw Error("unexpected end of the document: expected a value", PathOf(parent, key, index), _position);
        }

        char c = _text[_position];
        switch (c)
        {
            case '{':
                return ParseObject(parent, key, index, depth);
            case '[':
                return ParseArray(parent, key, index, depth);
            case '"':
                int start = _position;
                string value = ParseString(PathOf(parent, key, index));
                return JsonNode.CreateScalar(_document, JsonKind.String, start, _position - start, parent, key, index, value);
            case 't':
                return ParseLiteral("true", JsonKind.True, parent, key, index);
            case 'f':
                return ParseLiteral("false", JsonKind.False, parent, key, index);
            case 'n':
                return ParseLiteral("null", JsonKind.Null, parent, key, index);
            default:
                if (c == '-' || (c >= '0' && c <= '9'))
                {
                    return ParseNumber(parent, key, index);
                }

                if (StartsWithWord("NaN") || StartsWithWord("Infinity") || StartsWithWord("-Infinity"))
                {
                    throw Error("NaN and infinities are not JSON numbers, and the model format requires finite values", PathOf(parent, key, index), _position);
                }

                throw Error("unexpected " + Describe(_position) + ": expected a value", PathOf(parent, key, index), _position);
        }
    }

    private JsonNode ParseObject(JsonNode? parent, string? key, int index, int depth)
    {
        string path = PathOf(parent, key, index);
        if (depth > MaxDepth)
        {
            throw Error("the document nests deeper than " + MaxDepth + " levels", path, _position);
        }

        JsonNode node = JsonNode.CreateObject(_document, _position, parent, key, index);
        _position++;
        SkipWhitespace();
        if (Peek() == '}')
        {
            _position++;
            return node;
        }

        while (true)
        {
            SkipWhitespace();
            if (Peek() != '"')
            {
                throw Error("unexpected " + Describe(_position) + ": expected a property name in double quotes", path, _position);
            }

            int nameStart = _position;
            string name = ParseString(path);
            JsonNode nameToken = JsonNode.CreateScalar(_document, JsonKind.String, nameStart, _position - nameStart, node, name, -1, name);
            if (node[name] != null)
            {
                throw Error("duplicate property \"" + name + "\"", path + "." + name, nameStart, _position - nameStart);
            }

            SkipWhitespace();
            if (Peek() != ':')
            {
                throw Error("unexpected " + Describe(_position) + ": expected ':' after the property name", path + "." + name, _position);
            }

            _position++;
            SkipWhitespace();
            JsonNode value = ParseValue(node, name, -1, depth + 1);
            node.Properties!.Add(new JsonProperty(nameToken, value));
            SkipWhitespace();
            char next = Peek();
            if (next == ',')
            {
                _position++;
                continue;
            }

            if (next == '}')
            {
                _position++;
                return node;
            }

            throw Error("unexpected " + Describe(_position) + ": expected ',' or '}' in the object", path, _position);
        }
    }

    private JsonNode ParseArray(JsonNode? parent, string? key, int index, int depth)
    {
        string path = PathOf(parent, key, index);
        if (depth > MaxDepth)
        {
            throw Error("the document nests deeper than " + MaxDepth + " levels", path, _position);
        }

        JsonNode node = JsonNode.CreateArray(_document, _position, parent, key, index);
        _position++;
        SkipWhitespace();
        if (Peek() == ']')
        {
            _position++;
            return node;
        }

        while (true)
        {
            SkipWhitespace();
            node.Items!.Add(ParseValue(node, null, node.Items.Count, depth + 1));
            SkipWhitespace();
            char next = Peek();
            if (next == ',')
            {
                _position++;
                continue;
            }

            if (next == ']')
            {
                _position++;
                return node;
            }

            throw Error("unexpected " + Describe(_position) + ": expected ',' or ']' in the array", path, _position);
        }
    }

    private string ParseString(string path)
    {
        int start = _position;
        _position++; // opening quote
        StringBuilder? builder = null;
        int runStart = _position;
        while (true)
        {
            if (_position >= _text.Length)
            {
                throw Error("unterminated string", path, start);
            }

            char c = _text[_position];
            if (c == '"')
            {
                string result = builder == null
                    ? _text.Substring(runStart, _position - runStart)
                    : builder.Append(_text, runStart, _position - runStart).ToString();
                _position++;
                return result;
            }

            if (c < ' ')
            {
                throw Error("control character U+" + ((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture) + " inside a string (escape it)", path, _position);
            }

            if (c != '\\')
            {
                _position++;
                continue;
            }

            builder ??= new StringBuilder();
            builder.Append(_text, runStart, _position - runStart);
            if (_position + 1 >= _text.Length)
            {
                throw Error("unterminated string", path, start);
            }

            char escape = _text[_position + 1];
            _position += 2;
            switch (escape)
            {
                case '"': builder.Append('"'); break;
                case '\\': builder.Append('\\'); break;
                case '/': builder.Append('/'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'u':
                    if (_position + 4 > _text.Length || !IsHex(_text, _position, 4))
                    {
                        throw Error("invalid \\u escape: expected four hexadecimal digits", path, _position - 2);
                    }

                    builder.Append((char)int.Parse(_text.Substring(_position, 4), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture));
                    _position += 4;
                    break;
                default:
                    throw Error("invalid escape '\\" + escape + "' in a string", path, _position - 2);
            }

            runStart = _position;
        }
    }

    private JsonNode ParseNumber(JsonNode? parent, string? key, int index)
    {
        // RFC 8259: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
        int start = _position;
        if (Peek() == '-')
        {
            _position++;
            if (StartsWithWord("Infinity"))
            {
                throw Error("NaN and infinities are not JSON numbers, and the model format requires finite values", PathOf(parent, key, index), start);
            }
        }

        if (Peek() == '0')
        {
            _position++;
        }
        else if (IsDigit(Peek()))
        {
            SkipDigits();
        }
        else
        {
            throw InvalidNumber(start, parent, key, index);
        }

        if (Peek() == '.')
        {
            _position++;
            if (!IsDigit(Peek()))
            {
                throw InvalidNumber(start, parent, key, index);
            }

            SkipDigits();
        }

        if (Peek() == 'e' || Peek() == 'E')
        {
            _position++;
            if (Peek() == '+' || Peek() == '-')
            {
                _position++;
            }

            if (!IsDigit(Peek()))
            {
                throw InvalidNumber(start, parent, key, index);
            }

            SkipDigits();
        }

        if (IsDigit(Peek()) || char.IsLetter(Peek()) || Peek() == '.')
        {
            throw InvalidNumber(start, parent, key, index);
        }

        return JsonNode.CreateScalar(_document, JsonKind.Number, start, _position - start, parent, key, index, _text.Substring(start, _position - start));
    }

    private PrunedModelFormatException InvalidNumber(int start, JsonNode? parent, string? key, int index)
    {
        int end = _position;
        while (end < _text.Length && (char.IsLetterOrDigit(_text[end]) || _text[end] == '.' || _text[end] == '+' || _text[end] == '-'))
        {
            end++;
        }

        return Error("invalid number '" + _text.Substring(start, end - start) + "'", PathOf(parent, key, index), start, end - start);
    }

    private JsonNode ParseLiteral(string word, JsonKind kind, JsonNode? parent, string? key, int index)
    {
        if (!StartsWithWord(word))
        {
            throw Error("unexpected " + Describe(_position) + ": expected a value", PathOf(parent, key, index), _position);
        }

        int start = _position;
        _position += word.Length;
        return JsonNode.CreateScalar(_document, kind, start, word.Length, parent, key, index, null);
    }

    private bool StartsWithWord(string word)
        => string.CompareOrdinal(_text, _position, word, 0, word.Length) == 0
           && (_position + word.Length >= _text.Length || !char.IsLetterOrDigit(_text[_position + word.Length]));

    private void SkipWhitespace()
    {
        while (_position < _text.Length)
        {
            char c = _text[_position];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            {
                return;
            }

            _position++;
        }
    }

    private void SkipDigits()
    {
        while (IsDigit(Peek()))
        {
            _position++;
        }
    }

    private char Peek() => _position < _text.Length ? _text[_position] : '\0';

    private static bool IsDigit(char c) => c >= '0' && c <= '9';

    private static bool IsHex(string text, int start, int count)
    {
        for (int i = start; i < start + count; i++)
        {
            char c = text[i];
            if (!IsDigit(c) && !(c >= 'a' && c <= 'f') && !(c >= 'A' && c <= 'F'))
            {
                return false;
            }
        }

        return true;
    }

    private string Describe(int position)
    {
        if (position >= _text.Length)
        {
            return "end of the document";
        }

        char c = _text[position];
        return c < ' ' || c > '~'
            ? "character U+" + ((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture)
            : "character '" + c + "'";
    }

    private static string PathOf(JsonNode? parent, string? key, int index)
    {
        if (parent == null)
        {
            return "$";
        }

        return key != null ? parent.Path + "." + key : parent.Path + "[" + index + "]";
    }

    private PrunedModelFormatException Error(string reason, string path, int offset, int length = 1)
    {
        (int line, int column) = _document.GetLineAndColumn(offset);
        length = System.Math.Max(0, System.Math.Min(length, _text.Length - offset));
        return new PrunedModelFormatException(reason, path, _document.SourceName, line, column, offset, length);
    }
}
