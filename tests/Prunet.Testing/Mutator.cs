using System.Text;

namespace Prunet.Testing;

/// <summary>
/// Deterministic input mutations for fuzzing readers: truncations, deletions, duplications,
/// character swaps, type swaps of JSON tokens, huge numbers, deep nesting, very long arrays,
/// and byte-level damage (invalid UTF-8, UTF-16). Every mutation is a pure function of the
/// seed, so a failing input can be rebuilt from the seed the test prints.
/// </summary>
public static class Mutator
{
    private static readonly string[] Replacements =
    {
        "null", "true", "false", "\"\"", "\"x\"", "[]", "{}", "0", "-0", "1e400", "-1e400", "1e-400", "3.5e38",
        "NaN", "Infinity", "-Infinity", "1.5", "-1", "2147483648", "99999999999999999999", new string('9', 400),
        "0.1e", "--1", "01", ".5", "\"\\u00\"", "\"\\ud800\"", "[[[[[[[[", "]]]]", "{\"a\":", ",", ":", "\u0000", "\uFFFF",
    };

    /// <summary>One mutation of <paramref name="text"/>; which one depends only on <paramref name="random"/>.</summary>
    public static string Mutate(string text, Random random)
    {
        if (text.Length == 0)
        {
            return Replacements[random.Next(Replacements.Length)];
        }

        int at = random.Next(text.Length);
        switch (random.Next(10))
        {
            case 0: // truncate
                return text.Substring(0, at);
            case 1: // delete a span
                return text.Remove(at, Math.Min(text.Length - at, random.Next(1, 64)));
            case 2: // duplicate a span
                int length = Math.Min(text.Length - at, random.Next(1, 256));
                return text.Insert(at, text.Substring(at, length));
            case 3: // one character becomes another, often a structural one
                const string structural = "{}[],:\"\\ -.e0123456789tfn";
                char c = random.Next(3) == 0 ? (char)random.Next(0, 0x3000) : structural[random.Next(structural.Length)];
                return text.Substring(0, at) + c + text.Substring(at + 1);
            case 4: // a token becomes a value of another type
                return ReplaceToken(text, at, Replacements[random.Next(Replacements.Length)]);
            case 5: // deep nesting, from just over the limit to far beyond it
                int depth = random.Next(2) == 0 ? random.Next(60, 70) : random.Next(1000, 100_000);
                return text.Insert(at, new string('[', depth) + "1" + new string(']', random.Next(2) == 0 ? depth : 0));
            case 6: // a very long array where an array starts
                int bracket = text.IndexOf('[', at);
                if (bracket < 0)
                {
                    goto case 0;
                }

                var zeros = new StringBuilder();
                int count = random.Next(2) == 0 ? random.Next(1, 2000) : 200_000;
                for (int n = 0; n < count; n++)
                {
                    zeros.Append("0,");
                }

                return text.Insert(bracket + 1, zeros.ToString());
            case 7: // a number grows huge or tiny
                return ReplaceToken(text, at, (random.Next(2) == 0 ? "-" : string.Empty) + random.Next(1, 9) + "e" + (random.Next(2) == 0 ? "-" : string.Empty) + random.Next(30, 5000));
            case 8: // a property name changes
                int quote = text.IndexOf('"', at);
                return quote < 0 ? text + "}" : text.Insert(quote + 1, "x");
            default: // several mutations at once
                string result = text;
                for (int n = 0; n < 3; n++)
                {
                    result = Mutate(result, random);
                }

                return result;
        }
    }

    /// <summary>Byte-level damage to the UTF-8 encoding of a text: invalid sequences, other encodings, byte order marks.</summary>
    public static byte[] MutateBytes(string text, Random random)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        switch (random.Next(5))
        {
            case 0:
                return Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(text)).ToArray();
            case 1:
                return Encoding.BigEndianUnicode.GetBytes(text);
            case 2:
                return Encoding.UTF8.GetPreamble().Concat(utf8).ToArray();
            case 3:
                byte[] damaged = (byte[])utf8.Clone();
                for (int n = 0; n < 1 + random.Next(4) && damaged.Length > 0; n++)
                {
                    damaged[random.Next(damaged.Length)] = (byte)random.Next(0x80, 0x100);
                }

                return damaged;
            default:
                return Encoding.Latin1.GetBytes(text.Replace("\"", "\"é"));
        }
    }

    private static string ReplaceToken(string text, int at, string replacement)
    {
        int start = at;
        while (start > 0 && !IsBoundary(text[start - 1]))
        {
            start--;
        }

        int end = at;
        while (end < text.Length && !IsBoundary(text[end]))
        {
            end++;
        }

        return text.Substring(0, start) + replacement + text.Substring(end);
    }

    private static bool IsBoundary(char c) => c == ',' || c == ':' || c == '[' || c == ']' || c == '{' || c == '}' || char.IsWhiteSpace(c);
}
