namespace Prunet.Generator;

/// <summary>The tool name and version written into <c>[GeneratedCode]</c> attributes.</summary>
internal static class GeneratorInfo
{
    public const string Name = "Prunet.Generator";

    // Kept by hand in step with <Version> in Directory.Build.props; a test checks they agree.
    public const string Version = "0.1.0";
}
