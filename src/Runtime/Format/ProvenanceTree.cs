using System;
using System.Collections;
using System.Collections.Generic;

namespace Prunet.Format;

/// <summary>
/// Provenance is a free-form JSON tree. This keeps it to the values JSON can hold (string,
/// finite number, bool, null, list, string-keyed dictionary), normalised: numbers as
/// <see cref="double"/>, lists as <c>IReadOnlyList&lt;object?&gt;</c>, objects as
/// <c>IReadOnlyDictionary&lt;string, object?&gt;</c> in insertion order.
/// </summary>
internal static class ProvenanceTree
{
    public static IReadOnlyDictionary<string, object?> Copy(IReadOnlyDictionary<string, object?> source, string path)
    {
        var copy = new Dictionary<string, object?>(source.Count, StringComparer.Ordinal);
        foreach (KeyValuePair<string, object?> entry in source)
        {
            copy.Add(entry.Key, CopyValue(entry.Value, path + "." + entry.Key));
        }

        return copy;
    }

    private static object? CopyValue(object? value, string path)
    {
        switch (value)
        {
            case null:
            case string:
            case bool:
                return value;
            case double d:
                return Finite(d, path);
            case float f:
                // Through its shortest text, so that 0.001f is recorded as 0.001, not 0.0010000000474974513.
                return Finite(float.IsNaN(f) || float.IsInfinity(f) ? f : double.Parse(FloatText.Format(f), System.Globalization.CultureInfo.InvariantCulture), path);
            case int i:
                return (double)i;
            case long l:
                return (double)l;
            case IReadOnlyDictionary<string, object?> dictionary:
                return Copy(dictionary, path);
            case IEnumerable list:
                var items = new List<object?>();
                foreach (object? item in list)
                {
                    items.Add(CopyValue(item, path + "[" + items.Count + "]"));
                }

                return items;
            default:
                throw new PrunedModelFormatException(path, "provenance values must be strings, numbers, booleans, null, lists or dictionaries; found " + value.GetType().Name);
        }
    }

    private static double Finite(double value, string path)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            throw new PrunedModelFormatException(path, "provenance numbers must be finite, found " + value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return value;
    }
}
