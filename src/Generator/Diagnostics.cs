using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Prunet.Generator;

/// <summary>
/// Every diagnostic the generator reports, in one place. IDs are stable; each one is explained
/// in docs/diagnostics.md (meaning, example, fix), which the help link points to.
/// </summary>
internal static class Diagnostics
{
    private const string Category = "Prunet.Generator";
    private const string HelpLink = "docs/diagnostics.md#";

    /// <summary>The attribute names a model path that no AdditionalFiles item ends with.</summary>
    public static readonly DiagnosticDescriptor ModelFileNotFound = Error(
        "PRN001",
        "Model file is not an AdditionalFiles item",
        "The model file '{0}' is not among the project's AdditionalFiles; add <AdditionalFiles Include=\"{0}\" /> to the project file");

    /// <summary>Several AdditionalFiles items end with the model path.</summary>
    public static readonly DiagnosticDescriptor AmbiguousModelPath = Error(
        "PRN002",
        "Model path matches several AdditionalFiles",
        "The model path '{0}' matches {1} AdditionalFiles ({2}); give more of the path so that it names one file");

    /// <summary>The model path is empty, has '..' segments or is not a constant string.</summary>
    public static readonly DiagnosticDescriptor InvalidModelPath = Error(
        "PRN003",
        "Invalid model path",
        "The model path {0} is not valid: {1}");

    /// <summary>The model file is not well-formed JSON.</summary>
    public static readonly DiagnosticDescriptor MalformedJson = Error(
        "PRN004",
        "Model file is not valid JSON",
        "{0}: {1}");

    /// <summary>The model file is JSON but breaks a rule of the model format.</summary>
    public static readonly DiagnosticDescriptor InvalidModel = Error(
        "PRN005",
        "Model file does not follow the model format",
        "{0}: {1}");

    /// <summary>The model file is of another format version, or has a layer type this generator does not know.</summary>
    public static readonly DiagnosticDescriptor UnsupportedModel = Error(
        "PRN006",
        "Unsupported model format version or layer type",
        "{0}: {1}");

    /// <summary>The compiler could not give the model file's text.</summary>
    public static readonly DiagnosticDescriptor UnreadableModelFile = Error(
        "PRN007",
        "Model file cannot be read",
        "The model file '{0}' could not be read: {1}");

    /// <summary>The class is not 'static partial', or a containing type is not 'partial'.</summary>
    public static readonly DiagnosticDescriptor ClassNotStaticPartial = Error(
        "PRN008",
        "Network class must be static partial",
        "The class '{0}' must be declared 'static partial'{1} so that the generator can add its members");

    /// <summary>Two classes are bound to the same model file with the same kernel.</summary>
    public static readonly DiagnosticDescriptor DuplicateBinding = Warning(
        "PRN009",
        "Model file bound to more than one class",
        "The model file '{0}' is also bound to '{1}' with the same Kernel and StraightLine; both classes get the same code (use one class, or set different values to compare them)");

    /// <summary>The Kernel property has a value that is not a member of PrunedNetworkKernel.</summary>
    public static readonly DiagnosticDescriptor UnknownKernel = Error(
        "PRN010",
        "Unknown kernel",
        "Kernel value {0} is not a member of Prunet.PrunedNetworkKernel (Auto, Unrolled, SparseRows, DenseSimd, BlockSparse, SparseColumns, SparseWindows)");

    /// <summary>Kernel = Unrolled was asked for a layer too large to unroll; it gets SparseRows.</summary>
    public static readonly DiagnosticDescriptor LayerTooLargeToUnroll = Warning(
        "PRN011",
        "Layer too large to unroll",
        "Layer {0} of '{1}' has {2} nonzero weights ({3} in its longest row), more than the {4} ({5} per row) that are unrolled; it uses the SparseRows kernel instead");

    /// <summary>The compilation lacks the .NET 8 APIs or the C# 10 syntax the generated code uses.</summary>
    public static readonly DiagnosticDescriptor UnsupportedTarget = Error(
        "PRN012",
        "Target framework not supported",
        "The code generated for '{0}' needs {1}");

    /// <summary>The PrunetDefaultKernel MSBuild property names no kernel.</summary>
    public static readonly DiagnosticDescriptor UnknownDefaultKernel = Error(
        "PRN013",
        "Unknown default kernel",
        "The MSBuild property PrunetDefaultKernel is '{0}', which is not a kernel: expected Auto, Unrolled, SparseRows, DenseSimd, BlockSparse, SparseColumns or SparseWindows");

    /// <summary>A model larger than the generator compiles: it would add minutes to every build.</summary>
    public static readonly DiagnosticDescriptor ModelTooLarge = Error(
        "PRN014",
        "Model too large to compile",
        "The model file '{0}' has {1}; the generator compiles at most {2}, because every build of the app compiles the generated code again: prune the model further, or run it with Prunet.Runtime's interpreter (PrunedModel.Load)");

    /// <summary>A bug in the generator: an exception it did not expect.</summary>
    public static readonly DiagnosticDescriptor InternalError = Error(
        "PRN099",
        "Internal error in the Prunet generator",
        "The Prunet generator failed on '{0}': {1}; please report this with the model file");

    /// <summary>Every descriptor, for documentation tests.</summary>
    public static readonly DiagnosticDescriptor[] All =
    {
        ModelFileNotFound, AmbiguousModelPath, InvalidModelPath, MalformedJson, InvalidModel, UnsupportedModel,
        UnreadableModelFile, ClassNotStaticPartial, DuplicateBinding, UnknownKernel, LayerTooLargeToUnroll,
        UnsupportedTarget, UnknownDefaultKernel, ModelTooLarge, InternalError,
    };

    private static DiagnosticDescriptor Error(string id, string title, string message)
        => new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink + id.ToLowerInvariant());

    private static DiagnosticDescriptor Warning(string id, string title, string message)
        => new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLink + id.ToLowerInvariant());
}

/// <summary>
/// Where a diagnostic goes, as a value: the pipeline must not hold a <see cref="Location"/>
/// (it keeps a syntax tree alive and does not compare by value).
/// </summary>
internal readonly record struct LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

    public static LocationInfo? From(Location? location)
    {
        if (location == null || location.SourceTree == null)
        {
            return null;
        }

        return new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
    }

    /// <summary>A location in a text that is not a syntax tree (a model file), clamped to the text.</summary>
    public static LocationInfo InText(string filePath, SourceText text, int offset, int length)
    {
        int start = Math.Max(0, Math.Min(offset, text.Length));
        int end = Math.Max(start, Math.Min(start + Math.Max(length, 0), text.Length));
        var span = TextSpan.FromBounds(start, end);
        return new LocationInfo(filePath, span, text.Lines.GetLinePositionSpan(span));
    }
}

/// <summary>A diagnostic as a value: descriptor ID, location and message arguments.</summary>
internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments)
        => new(descriptor.Id, location, new EquatableArray<string>(arguments));

    /// <summary>
    /// The diagnostic, located in <paramref name="compilation"/>'s syntax tree when the location is
    /// in one (so that the IDE underlines it and <c>#pragma warning disable</c> applies), else at
    /// the file and span as given (a model file).
    /// </summary>
    public Diagnostic ToDiagnostic(Compilation? compilation = null)
    {
        if (compilation != null && Location is LocationInfo where)
        {
            foreach (SyntaxTree tree in compilation.SyntaxTrees)
            {
                if (tree.FilePath == where.FilePath && where.Span.End <= tree.Length)
                {
                    return Create(Microsoft.CodeAnalysis.Location.Create(tree, where.Span));
                }
            }
        }

        return Create(Location?.ToLocation() ?? Microsoft.CodeAnalysis.Location.None);
    }

    private Diagnostic Create(Location location)
    {
        DiagnosticDescriptor descriptor = Array.Find(Diagnostics.All, d => d.Id == Id) ?? Diagnostics.InternalError;
        var arguments = new object[Arguments.Count];
        for (int i = 0; i < arguments.Length; i++)
        {
            arguments[i] = Arguments[i];
        }

        return Diagnostic.Create(descriptor, location, arguments);
    }
}
