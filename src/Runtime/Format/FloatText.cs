using System.Globalization;

namespace Prunet.Format;

/// <summary>
/// Text for floats that reads back to the same value: the shortest such form (what "R" gives on
/// .NET Core 3.0 and later), falling back to nine significant digits where a runtime's "R" does
/// not round-trip (.NET Framework). Invariant culture, so "0.5" never becomes "0,5".
/// </summary>
internal static class FloatText
{
    public static string Format(float value)
    {
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        return float.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture).Equals(value)
            ? text
            : value.ToString("G9", CultureInfo.InvariantCulture);
    }

    public static string Format(double value)
    {
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture).Equals(value)
            ? text
            : value.ToString("G17", CultureInfo.InvariantCulture);
    }
}
