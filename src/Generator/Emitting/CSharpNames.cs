namespace Prunet.Generator.Emitting;

/// <summary>
/// Fully qualified names used by generated code: <c>global::</c> so that no type of the user's
/// (a <c>Span</c> or an <c>Unsafe</c> of their own) can change what the code means.
/// </summary>
internal static class CSharpNames
{
    public const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
    public const string Span = "global::System.Span<float>";
    public const string Unsafe = "global::System.Runtime.CompilerServices.Unsafe";
    public const string MemoryMarshal = "global::System.Runtime.InteropServices.MemoryMarshal";
    public const string Vector256 = "global::System.Runtime.Intrinsics.Vector256";
    public const string Vector256Float = "global::System.Runtime.Intrinsics.Vector256<float>";
    public const string Fma = "global::System.Runtime.Intrinsics.X86.Fma";
    public const string MathF = "global::System.MathF";
    public const string ArgumentException = "global::System.ArgumentException";
    public const string InvalidOperationException = "global::System.InvalidOperationException";
    public const string Inline = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]";
    public const string GeneratedCode = "[global::System.CodeDom.Compiler.GeneratedCode(\"" + GeneratorInfo.Name + "\", \"" + GeneratorInfo.Version + "\")]";

    /// <summary><c>ref float name = ref MemoryMarshal.GetReference(span);</c>: a start for <c>Unsafe.Add</c>, no bounds checks.</summary>
    public static string RefTo(string type, string name, string span)
        => "ref " + type + " " + name + " = ref " + MemoryMarshal + ".GetReference(" + span + ");";

    /// <summary><c>Unsafe.Add(ref start, offset)</c>.</summary>
    public static string At(string start, string offset) => Unsafe + ".Add(ref " + start + ", " + offset + ")";
}
