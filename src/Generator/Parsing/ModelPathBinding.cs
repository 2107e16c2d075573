using System;
using System.Collections.Generic;

namespace Prunet.Generator.Parsing;

/// <summary>
/// Binds the path in <c>[PrunedNetwork("models/digits.model.json")]</c> to AdditionalFiles items.
/// A file matches when its path, with either separator, ends with the same whole segments:
/// <c>models/digits.model.json</c> matches <c>/x/models/digits.model.json</c> and
/// <c>C:\x\models\digits.model.json</c>, never <c>/x/other-digits.model.json</c> or
/// <c>/x/amodels/digits.model.json</c>. Matching is ordinal (case-sensitive), as MSBuild passes
/// paths as written in the project.
/// </summary>
internal static class ModelPathBinding
{
    /// <summary>Why a model path cannot bind to anything, or null when it is usable.</summary>
    public static string? Problem(string? modelPath)
    {
        if (modelPath == null)
        {
            return "it must be a constant string";
        }

        string[] segments = Segments(modelPath);
        if (segments.Length == 0)
        {
            return "it is empty";
        }

        foreach (string segment in segments)
        {
            if (segment == "..")
            {
                return "'..' segments are not supported; give the end of the file's path, such as \"models/digits.model.json\"";
            }
        }

        return null;
    }

    /// <summary>True when <paramref name="filePath"/> (an AdditionalFiles path) ends with the segments of <paramref name="modelPath"/>.</summary>
    public static bool Matches(string filePath, string modelPath)
    {
        string[] want = Segments(modelPath);
        string[] have = Segments(filePath);
        if (want.Length == 0 || want.Length > have.Length)
        {
            return false;
        }

        int offset = have.Length - want.Length;
        for (int k = 0; k < want.Length; k++)
        {
            if (!string.Equals(want[k], have[offset + k], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when the file matches any of the paths.</summary>
    public static bool MatchesAny(string filePath, EquatableArray<string> modelPaths)
    {
        foreach (string modelPath in modelPaths)
        {
            if (Matches(filePath, modelPath))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Path segments, separators '/' and '\' alike, without empty and '.' segments.</summary>
    private static string[] Segments(string path)
    {
        var segments = new List<string>();
        foreach (string segment in path.Split('/', '\\'))
        {
            if (segment.Length > 0 && segment != ".")
            {
                segments.Add(segment);
            }
        }

        return segments.ToArray();
    }
}
