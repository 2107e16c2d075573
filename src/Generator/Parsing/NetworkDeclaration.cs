namespace Prunet.Generator.Parsing;

/// <summary>
/// A class marked <c>[PrunedNetwork]</c>, as plain values: everything the later stages need and
/// nothing from the compilation, so that an edit elsewhere leaves it equal and its outputs cached.
/// </summary>
/// <param name="Namespace">The class's namespace, or null for the global namespace.</param>
/// <param name="ContainingTypes">Types the class is nested in, outermost first.</param>
/// <param name="ClassName">The class name as declared, with type parameters (<c>Net&lt;T&gt;</c>).</param>
/// <param name="FullName">Namespace, containing types and class name, for messages.</param>
/// <param name="HintName">The generated file's name: the metadata name (<c>Demo.Outer`1.Net.g.cs</c>), unique per class.</param>
/// <param name="ShapeProblem">Null when the class and its containers can take generated members; else what is missing.</param>
/// <param name="ModelPath">The path given to the attribute; null when it was not a constant string.</param>
/// <param name="Kernel">The Kernel property's value (a <c>PrunedNetworkKernel</c>), or <see cref="KernelNotGiven"/>.</param>
/// <param name="StraightLine">The StraightLine property's value: whether a small network may be one straight-line method.</param>
/// <param name="AttributeLocation">Where the attribute is, for diagnostics about the binding.</param>
/// <param name="ClassLocation">Where the class name is, for diagnostics about the class.</param>
/// <param name="KernelFromProject">True when <paramref name="Kernel"/> is the project's PrunetDefaultKernel, not the attribute's.</param>
internal sealed record NetworkDeclaration(
    string? Namespace,
    EquatableArray<ContainingType> ContainingTypes,
    string ClassName,
    string FullName,
    string HintName,
    string? ShapeProblem,
    string? ModelPath,
    int Kernel,
    bool StraightLine,
    LocationInfo? AttributeLocation,
    LocationInfo? ClassLocation,
    bool KernelFromProject = false)
{
    /// <summary>The attribute does not set Kernel: the project's default applies (MSBuild property PrunetDefaultKernel, else Auto).</summary>
    public const int KernelNotGiven = -1;
}

/// <summary>A type a network class is nested in: its keyword (<c>class</c>, <c>record struct</c>, ...) and name.</summary>
internal sealed record ContainingType(string Keyword, string Name);

/// <summary>What the parsing step yields for one attributed class: the declaration, or a bug report.</summary>
internal sealed record DeclarationResult(NetworkDeclaration? Declaration, DiagnosticInfo? Error);
