using System.Globalization;
using System.Text;
using Prunet.Format;

namespace Prunet.Generator.Emitting;

/// <summary>A <see cref="StringBuilder"/> that indents lines and writes C# literals.</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _text = new();
    private int _indent;

    /// <summary>The app is precompiled with ReadyToRun: <see cref="OptimizedMethod"/> writes nothing.</summary>
    public bool ReadyToRun { get; init; }

    /// <summary>The app's C# has <c>ref readonly</c> arguments (C# 12): see <see cref="TargetInfo.RefReadonlyArguments"/>.</summary>
    public bool RefReadonlyArguments { get; init; }

    /// <summary>
    /// <c>[MethodImpl(MethodImplOptions.AggressiveOptimization)]</c> on a method with a loop
    /// (<see cref="CSharpNames.Optimized"/>), unless the app is precompiled with ReadyToRun, which
    /// does not precompile such methods: there the precompiled code is optimised already.
    /// </summary>
    public void OptimizedMethod()
    {
        if (!ReadyToRun)
        {
            Line(CSharpNames.Optimized);
        }
    }

    public void Line(string line = "")
    {
        if (line.Length > 0)
        {
            _text.Append(' ', _indent * 4).Append(line);
        }

        _text.Append('\n');
    }

    public void Open(string line)
    {
        Line(line);
        Line("{");
        _indent++;
    }

    /// <summary>A bare block: its locals end with it.</summary>
    public void OpenBlock()
    {
        Line("{");
        _indent++;
    }

    public void Close(string suffix = "")
    {
        _indent--;
        Line("}" + suffix);
    }

    /// <summary>Indents the following lines one more level (a continued expression).</summary>
    public void Indent() => _indent++;

    public void Outdent() => _indent--;

    public override string ToString() => _text.ToString();

    /// <summary>A float literal that reads back to exactly <paramref name="value"/>.</summary>
    public static string Float(float value)
    {
        if (float.IsNaN(value))
        {
            return "float.NaN";
        }

        if (float.IsInfinity(value))
        {
            return value > 0 ? "float.PositiveInfinity" : "float.NegativeInfinity";
        }

        return FloatText.Format(value) + "f";
    }

    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A number with thousands separators, for comments and docs.</summary>
    public static string Count(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>"1 input", "2 inputs", "1,024 inputs".</summary>
    public static string Plural(long count, string noun) => Count(count) + " " + noun + (count == 1 ? string.Empty : "s");

    public static string Percent(double fraction) => (fraction * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    /// <summary>A regular C# string literal.</summary>
    public static string String(string value)
    {
        var literal = new StringBuilder(value.Length + 2).Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': literal.Append("\\\""); break;
                case '\\': literal.Append("\\\\"); break;
                case '\n': literal.Append("\\n"); break;
                case '\r': literal.Append("\\r"); break;
                case '\t': literal.Append("\\t"); break;
                default:
                    if (char.IsControl(c) || char.IsSurrogate(c) || c == '\u2028' || c == '\u2029' || c == '\u0085')
                    {
                        literal.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        literal.Append(c);
                    }

                    break;
            }
        }

        return literal.Append('"').ToString();
    }

    /// <summary>Text for an XML doc comment or a line comment: no markup, no line breaks.</summary>
    public static string Xml(string value)
        => value.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\r", " ").Replace("\n", " ");
}
