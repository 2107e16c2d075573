using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Prunet.Generator.Emitting;
using Prunet.Generator.Parsing;

namespace Prunet.Generator;

/// <summary>
/// Compiles Prunet model files into the classes that name them with <c>[PrunedNetwork]</c>.
/// The pipeline only; each stage is in its folder: Parsing (declarations, model files),
/// Planning (dead neurons, kernels), Emitting (text).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class PrunedNetworkGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        context.RegisterPostInitializationOutput(static c => c.AddSource(AttributeSource.HintName, AttributeSource.Text));

        IncrementalValuesProvider<DeclarationResult> declarations = context.SyntaxProvider
            .ForAttributeWithMetadataName(AttributeSource.AttributeMetadataName, DeclarationParser.IsCandidate, DeclarationParser.Parse)
            .WithTrackingName(TrackingNames.Declarations);

        IncrementalValueProvider<EquatableArray<NetworkDeclaration>> allDeclarations = declarations
            .Collect()
            .Select(static (results, _) => new EquatableArray<NetworkDeclaration>(results.Where(r => r.Declaration != null).Select(r => r.Declaration!).ToArray()))
            .WithTrackingName(TrackingNames.AllDeclarations);

        // Only the AdditionalFiles that some declaration names are read and parsed.
        IncrementalValueProvider<EquatableArray<string>> modelPaths = allDeclarations
            .Select(static (all, _) => ReferencedPaths(all))
            .WithTrackingName(TrackingNames.ModelPaths);

        // Reading hashes the text; parsing is keyed by path and hash, so it runs once per change
        // of the file even when the set of referenced paths changes.
        IncrementalValuesProvider<ParsedModel> models = context.AdditionalTextsProvider
            .Combine(modelPaths)
            .Where(static pair => ModelPathBinding.MatchesAny(pair.Left.Path, pair.Right))
            .Select(static (pair, cancellationToken) => ModelText.Read(pair.Left, cancellationToken))
            .WithTrackingName(TrackingNames.ModelTexts)
            .Select(static (text, cancellationToken) => ParsedModel.Parse(text, cancellationToken))
            .WithTrackingName(TrackingNames.Models);

        // An invalid model file is reported once, at the file, however many classes name it.
        context.RegisterSourceOutput(models, static (output, model) =>
        {
            if (model.Error != null)
            {
                output.ReportDiagnostic(model.Error.ToDiagnostic());
            }
        });

        IncrementalValueProvider<TargetInfo> target = context.CompilationProvider
            .Select(static (compilation, _) => TargetInfo.Of(compilation))
            .WithTrackingName(TrackingNames.TargetFramework);

        IncrementalValueProvider<ProjectOptions> options = context.AnalyzerConfigOptionsProvider
            .Select(static (provider, _) => ProjectOptions.Read(provider))
            .WithTrackingName(TrackingNames.ProjectOptions);

        context.RegisterSourceOutput(options, static (output, project) =>
        {
            if (project.DefaultKernelText != null)
            {
                output.ReportDiagnostic(Diagnostic.Create(Diagnostics.UnknownDefaultKernel, Location.None, project.DefaultKernelText));
            }
        });

        IncrementalValuesProvider<NetworkBinding> bindings = declarations
            .Combine(models.Collect())
            .Combine(allDeclarations)
            .Combine(target.Combine(options))
            .Select(static (input, cancellationToken) => NetworkSourceBuilder.Bind(input.Left.Left.Left, input.Left.Left.Right, input.Left.Right, input.Right.Left, input.Right.Right, cancellationToken))
            .WithTrackingName(TrackingNames.Bindings);

        // Reporting, not computing, uses the compilation: it turns value locations back into
        // syntax-tree locations, so that the IDE underlines them and #pragma applies.
        context.RegisterSourceOutput(bindings.Combine(context.CompilationProvider), static (output, pair) =>
        {
            foreach (DiagnosticInfo diagnostic in pair.Left.Diagnostics)
            {
                output.ReportDiagnostic(diagnostic.ToDiagnostic(pair.Right));
            }
        });

        // Planning and emitting, from inputs without locations: reruns only when the model file
        // or what the declaration says changes, not when the class merely moves.
        IncrementalValuesProvider<GeneratedSource> sources = bindings
            .Where(static binding => binding.Request != null)
            .Select(static (binding, _) => binding.Request!)
            .WithTrackingName(TrackingNames.EmitRequests)
            .Select(static (request, cancellationToken) => NetworkSourceBuilder.Emit(request, cancellationToken))
            .WithTrackingName(TrackingNames.Sources);

        context.RegisterSourceOutput(sources, static (output, source) =>
        {
            if (source.Source != null)
            {
                output.AddSource(source.HintName, source.Source);
            }
            else
            {
                output.ReportDiagnostic(Diagnostic.Create(Diagnostics.InternalError, Location.None, source.HintName, source.Error));
            }
        });
    }

    private static EquatableArray<string> ReferencedPaths(EquatableArray<NetworkDeclaration> declarations)
    {
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        foreach (NetworkDeclaration declaration in declarations)
        {
            if (ModelPathBinding.Problem(declaration.ModelPath) == null)
            {
                paths.Add(declaration.ModelPath!);
            }
        }

        return new EquatableArray<string>(paths.ToArray());
    }

}

/// <summary>Names of the pipeline's steps, for tests of incremental caching.</summary>
public static class TrackingNames
{
    public const string Declarations = "PrunedNetwork.Declarations";
    public const string AllDeclarations = "PrunedNetwork.AllDeclarations";
    public const string ModelPaths = "PrunedNetwork.ModelPaths";
    public const string ModelTexts = "PrunedNetwork.ModelTexts";
    public const string Models = "PrunedNetwork.Models";
    public const string TargetFramework = "PrunedNetwork.TargetFramework";
    public const string Bindings = "PrunedNetwork.Bindings";
    public const string EmitRequests = "PrunedNetwork.EmitRequests";
    public const string ProjectOptions = "PrunedNetwork.ProjectOptions";
    public const string Sources = "PrunedNetwork.Sources";
}
