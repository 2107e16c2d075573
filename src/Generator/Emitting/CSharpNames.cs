namespace Prunet.Generator.Emitting;

/// <summary>
/// Names used by generated code. The part of the user's class uses <c>global::</c> names, so that
/// no type of the user's (a <c>Span</c> of their own) can change what it means. The computation
/// lives in a file-local class (internal for C# 10) in namespace <c>Prunet.Generated</c> with its own using directives
/// (the pattern of the .NET Regex generator), where short names are safe and the code reads
/// like hand-written C#.
/// </summary>
internal static class CSharpNames
{
    public const string ImplementationNamespace = "Prunet.Generated";

    /// <summary>The using directives of the implementation namespace.</summary>
    public static readonly string[] ImplementationUsings =
    {
        "System",
        "System.CodeDom.Compiler",
        "System.Runtime.CompilerServices",
        "System.Runtime.InteropServices",
        "System.Runtime.Intrinsics",
        "System.Runtime.Intrinsics.X86",
    };

    // In the user's class.
    public const string GlobalReadOnlySpan = "global::System.ReadOnlySpan<float>";
    public const string GlobalSpan = "global::System.Span<float>";
    public const string GlobalArgumentException = "global::System.ArgumentException";
    public const string GlobalGeneratedCode = "[global::System.CodeDom.Compiler.GeneratedCode(\"" + GeneratorInfo.Name + "\", \"" + GeneratorInfo.Version + "\")]";

    // In the implementation class.
    public const string ReadOnlySpan = "ReadOnlySpan<float>";
    public const string Span = "Span<float>";
    public const string Vector256Float = "Vector256<float>";
    public const string Inline = "[MethodImpl(MethodImplOptions.AggressiveInlining)]";

    /// <summary>
    /// On every method with a loop: compiled once, fully optimised, at its first call. Tiered
    /// compilation would first run such a method as unoptimised tier-0 code (measured 4–6× slower
    /// than steady state for calls 2 to about 100) and recompile it later; see docs/performance.md.
    /// Native AOT ignores it.
    /// </summary>
    public const string Optimized = "[MethodImpl(MethodImplOptions.AggressiveOptimization)]";
    public const string GeneratedCode = "[GeneratedCode(\"" + GeneratorInfo.Name + "\", \"" + GeneratorInfo.Version + "\")]";

    /// <summary>
    /// <c>ref float name = ref FirstOf(span);</c>: a start for <c>Unsafe.Add</c>, no bounds checks.
    /// <c>FirstOf</c> is the generated stand-in for <c>MemoryMarshal.GetReference</c> (see EmitHelpers).
    /// </summary>
    public static string RefTo(string type, string name, string span)
        => "ref " + type + " " + name + " = ref FirstOf(" + span + ");";

    /// <summary><c>Unsafe.Add(ref start, offset)</c>.</summary>
    public static string At(string start, string offset) => "Unsafe.Add(ref " + start + ", " + offset + ")";
}
