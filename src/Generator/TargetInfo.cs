using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Prunet.Generator;

/// <summary>What the consuming compilation supports, as a value the pipeline can cache.</summary>
/// <param name="Problem">Why the generated code cannot compile there (a PRN012 message), or null.</param>
/// <param name="FileLocalTypes">
/// C# 11 or later: the computation goes in a <c>file</c> class nobody else can see; with C# 10 it
/// goes in an internal class with a name made from the user's class's full name.
/// </param>
/// <param name="RefReadonlyArguments">
/// C# 12 or later: <c>Unsafe.AsRef(in x)</c> compiles (its parameter is <c>ref readonly</c> since
/// .NET 8), which the generated <c>FirstOf</c> helper needs to avoid MemoryMarshal.GetReference.
/// </param>
internal sealed record TargetInfo(string? Problem, bool FileLocalTypes, bool RefReadonlyArguments)
{
    // Vector256.IsHardwareAccelerated, Vector256.Sum/LoadUnsafe and constant ReadOnlySpan<float>
    // data without allocation (RuntimeHelpers.CreateSpan) all arrived in .NET 7; .NET 8 is the
    // oldest supported runtime that has them. File-scoped namespaces and the rest of the emitted
    // syntax need C# 10.
    public static TargetInfo Of(Compilation compilation)
    {
        LanguageVersion version = compilation is CSharpCompilation csharp ? csharp.LanguageVersion : LanguageVersion.CSharp10;
        INamedTypeSymbol? vector256 = compilation.GetTypeByMetadataName("System.Runtime.Intrinsics.Vector256");
        if (vector256 == null || vector256.GetMembers("IsHardwareAccelerated").IsEmpty)
        {
            return new TargetInfo(".NET 8 or later (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated was not found); target net8.0 or later", false, false);
        }

        if (version < LanguageVersion.CSharp10)
        {
            return new TargetInfo("C# 10 or later (LangVersion is " + version.ToDisplayString() + "); remove the LangVersion setting or raise it", false, false);
        }

        return new TargetInfo(null, version >= LanguageVersion.CSharp11, version >= LanguageVersion.CSharp12);
    }
}
