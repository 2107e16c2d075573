using System;
using Microsoft.CodeAnalysis.Diagnostics;
using Prunet.Generator.Planning;

namespace Prunet.Generator;

/// <summary>
/// The MSBuild properties the generator reads (made visible to it by the package's
/// build/Prunet.Generator.props through CompilerVisibleProperty), as a value the pipeline can cache.
/// </summary>
/// <param name="DefaultKernel">The kernel of classes whose attribute does not set one.</param>
/// <param name="DefaultKernelText">The property's text when it names no kernel (diagnostic PRN013), else null.</param>
/// <param name="ReadyToRun">
/// The project sets PublishReadyToRun: the generated methods then leave out AggressiveOptimization,
/// which would keep crossgen from precompiling them (such methods are always compiled by the JIT at
/// their first call, a few milliseconds for a large network).
/// </param>
internal sealed record ProjectOptions(int DefaultKernel, string? DefaultKernelText, bool ReadyToRun = false)
{
    public const string DefaultKernelProperty = "build_property.PrunetDefaultKernel";

    public const string ReadyToRunProperty = "build_property.PublishReadyToRun";

    public static ProjectOptions Read(AnalyzerConfigOptionsProvider provider)
    {
        bool readyToRun = provider.GlobalOptions.TryGetValue(ReadyToRunProperty, out string? r2r) && string.Equals(r2r?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
        if (!provider.GlobalOptions.TryGetValue(DefaultKernelProperty, out string? text) || string.IsNullOrWhiteSpace(text))
        {
            return new ProjectOptions((int)KernelRequest.Auto, null, readyToRun);
        }

        return Enum.TryParse(text.Trim(), ignoreCase: true, out KernelRequest kernel) && Enum.IsDefined(typeof(KernelRequest), kernel) && !int.TryParse(text, out _)
            ? new ProjectOptions((int)kernel, null, readyToRun)
            : new ProjectOptions((int)KernelRequest.Auto, text.Trim(), readyToRun);
    }

    /// <summary>The kernel a declaration asks for, with the project default filled in.</summary>
    public int KernelOf(Parsing.NetworkDeclaration declaration)
        => declaration.Kernel == Parsing.NetworkDeclaration.KernelNotGiven ? DefaultKernel : declaration.Kernel;
}
