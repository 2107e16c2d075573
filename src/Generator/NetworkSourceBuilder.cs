using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Prunet.Generator.Emitting;
using Prunet.Generator.Parsing;
using Prunet.Generator.Planning;

namespace Prunet.Generator;

/// <summary>
/// One attributed class after binding: its diagnostics (with locations), and what to emit, if
/// anything. Emitting is a separate step whose input has no locations, so an edit that only
/// moves the class (lines added above it) reports diagnostics anew but does not emit again.
/// </summary>
internal sealed record NetworkBinding(EquatableArray<DiagnosticInfo> Diagnostics, EmitRequest? Request);

/// <summary>A class to emit: the declaration without locations and its model file (equal by path and hash).</summary>
internal sealed record EmitRequest(NetworkDeclaration Declaration, ParsedModel Model, bool FileLocalTypes, bool RefReadonlyArguments, bool ReadyToRun);

/// <summary>A generated file, or the internal error that prevented it.</summary>
internal sealed record GeneratedSource(string HintName, string? Source, string? Error);

/// <summary>
/// Runs the stages for one declaration: bind its model path to a parsed model file, then plan
/// and emit. Never throws: an unexpected exception becomes diagnostic PRN099.
/// </summary>
internal static class NetworkSourceBuilder
{
    public static NetworkBinding Bind(
        DeclarationResult result,
        ImmutableArray<ParsedModel> models,
        EquatableArray<NetworkDeclaration> allDeclarations,
        TargetInfo target,
        ProjectOptions options,
        CancellationToken cancellationToken)
    {
        if (result.Declaration == null)
        {
            return new NetworkBinding(new EquatableArray<DiagnosticInfo>(new[] { result.Error! }), null);
        }

        NetworkDeclaration declaration = result.Declaration with { Kernel = options.KernelOf(result.Declaration), KernelFromProject = result.Declaration.Kernel == NetworkDeclaration.KernelNotGiven };
        try
        {
            return Bind(declaration, models, allDeclarations, target, options, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var error = DiagnosticInfo.Create(Diagnostics.InternalError, declaration.AttributeLocation, declaration.FullName, e.GetType().Name + ": " + e.Message);
            return new NetworkBinding(new EquatableArray<DiagnosticInfo>(new[] { error }), null);
        }
    }

    /// <summary>Plans and emits one class.</summary>
    public static GeneratedSource Emit(EmitRequest request, CancellationToken cancellationToken)
    {
        string hintName = NetworkEmitter.HintName(request.Declaration);
        try
        {
            NetworkPlan plan = NetworkPlanner.Plan(request.Model.Model!, (KernelRequest)request.Declaration.Kernel, request.Declaration.StraightLine, request.Declaration.KernelFromProject);
            cancellationToken.ThrowIfCancellationRequested();
            return new GeneratedSource(hintName, NetworkEmitter.Emit(request.Declaration, plan, request.Model.Hash, fileLocal: request.FileLocalTypes, refReadonlyArguments: request.RefReadonlyArguments, readyToRun: request.ReadyToRun), null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new GeneratedSource(hintName, null, e.GetType().Name + ": " + e.Message);
        }
    }

    private static NetworkBinding Bind(
        NetworkDeclaration declaration,
        ImmutableArray<ParsedModel> models,
        EquatableArray<NetworkDeclaration> allDeclarations,
        TargetInfo target,
        ProjectOptions options,
        CancellationToken cancellationToken)
    {
        var diagnostics = new List<DiagnosticInfo>();
        NetworkBinding Fail() => new(new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()), null);

        if (declaration.ShapeProblem != null)
        {
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ClassNotStaticPartial, declaration.ClassLocation, declaration.FullName, declaration.ShapeProblem));
        }

        if (!Enum.IsDefined(typeof(KernelRequest), declaration.Kernel))
        {
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.UnknownKernel, declaration.AttributeLocation, declaration.Kernel.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        string? pathProblem = ModelPathBinding.Problem(declaration.ModelPath);
        if (pathProblem != null)
        {
            string shown = declaration.ModelPath == null ? "given" : "'" + declaration.ModelPath + "'";
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.InvalidModelPath, declaration.AttributeLocation, shown, pathProblem));
            return Fail();
        }

        ParsedModel[] matches = Bind(declaration.ModelPath!, models);
        if (matches.Length == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ModelFileNotFound, declaration.AttributeLocation, declaration.ModelPath!));
            return Fail();
        }

        if (matches.Length > 1)
        {
            string files = string.Join(", ", matches.Select(m => m.Path));
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.AmbiguousModelPath, declaration.AttributeLocation, declaration.ModelPath!, matches.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), files));
            return Fail();
        }

        ParsedModel file = matches[0];
        foreach (NetworkDeclaration other in allDeclarations)
        {
            if (other.FullName == declaration.FullName)
            {
                continue;
            }

            if (options.KernelOf(other) == declaration.Kernel && other.StraightLine == declaration.StraightLine && other.ModelPath != null && ModelPathBinding.Problem(other.ModelPath) == null)
            {
                ParsedModel[] theirs = Bind(other.ModelPath, models);
                if (theirs.Length == 1 && theirs[0].Path == file.Path)
                {
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.DuplicateBinding, declaration.AttributeLocation, declaration.ModelPath!, other.FullName));
                }
            }
        }

        if (target.Problem != null)
        {
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.UnsupportedTarget, declaration.AttributeLocation, declaration.FullName, target.Problem));
        }

        // A bad model file is reported once, at the file, by the model step; a bad class or kernel above.
        if (file.Model == null || target.Problem != null || declaration.ShapeProblem != null || !Enum.IsDefined(typeof(KernelRequest), declaration.Kernel))
        {
            return Fail();
        }

        if (IsShadowed(declaration, allDeclarations))
        {
            // The attribute is on two parts of one class (the compiler reports CS0579); generate once.
            return Fail();
        }

        // Only a forced Unrolled kernel can be refused (PRN011), so only then is planning needed here.
        if (declaration.Kernel == (int)KernelRequest.Unrolled)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (PlanWarning warning in NetworkPlanner.Plan(file.Model, KernelRequest.Unrolled).Warnings)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    Diagnostics.LayerTooLargeToUnroll,
                    declaration.AttributeLocation,
                    warning.LayerNumber.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    declaration.FullName,
                    warning.Nonzeros.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    warning.LongestRow.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    KernelChoice.MaxUnrolledWeights.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    KernelChoice.MaxUnrolledRow.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
        }

        var request = new EmitRequest(declaration with { AttributeLocation = null, ClassLocation = null }, file, FileLocalTypes: target.FileLocalTypes, RefReadonlyArguments: target.RefReadonlyArguments, ReadyToRun: options.ReadyToRun);
        return new NetworkBinding(new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()), request);
    }

    /// <summary>The parsed model files whose path ends with the model path, ordered by path.</summary>
    public static ParsedModel[] Bind(string modelPath, ImmutableArray<ParsedModel> models)
        => models.Where(m => ModelPathBinding.Matches(m.Path, modelPath)).OrderBy(m => m.Path, StringComparer.Ordinal).ToArray();

    private static bool IsShadowed(NetworkDeclaration declaration, EquatableArray<NetworkDeclaration> all)
    {
        foreach (NetworkDeclaration other in all)
        {
            if (other.FullName == declaration.FullName && Before(other, declaration))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Source order of two declarations: file, then attribute, then class name position.</summary>
    private static bool Before(NetworkDeclaration a, NetworkDeclaration b)
    {
        int byFile = string.CompareOrdinal(a.ClassLocation?.FilePath ?? string.Empty, b.ClassLocation?.FilePath ?? string.Empty);
        if (byFile != 0)
        {
            return byFile < 0;
        }

        int byAttribute = (a.AttributeLocation?.Span.Start ?? 0).CompareTo(b.AttributeLocation?.Span.Start ?? 0);
        return byAttribute != 0 ? byAttribute < 0 : (a.ClassLocation?.Span.Start ?? 0) < (b.ClassLocation?.Span.Start ?? 0);
    }
}
