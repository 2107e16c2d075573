using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Prunet.Generator.Emitting;

namespace Prunet.Generator.Parsing;

/// <summary>Turns a class marked <c>[PrunedNetwork]</c> into a <see cref="NetworkDeclaration"/>.</summary>
internal static class DeclarationParser
{
    public static bool IsCandidate(SyntaxNode node, CancellationToken cancellationToken) => node is ClassDeclarationSyntax;

    public static DeclarationResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var symbol = (INamedTypeSymbol)context.TargetSymbol;
        try
        {
            return new DeclarationResult(Read(context, symbol, cancellationToken), null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LocationInfo? where = LocationInfo.From(context.TargetNode.GetLocation());
            return new DeclarationResult(null, DiagnosticInfo.Create(Diagnostics.InternalError, where, symbol.Name, e.GetType().Name + ": " + e.Message));
        }
    }

    private static NetworkDeclaration Read(GeneratorAttributeSyntaxContext context, INamedTypeSymbol symbol, CancellationToken cancellationToken)
    {
        var syntax = (ClassDeclarationSyntax)context.TargetNode;
        // Attributes may list the attribute of every part of a partial class; take this part's.
        AttributeData attribute = context.Attributes.FirstOrDefault(a => a.ApplicationSyntaxReference?.SyntaxTree == syntax.SyntaxTree && syntax.Span.Contains(a.ApplicationSyntaxReference.Span)) ?? context.Attributes[0];
        string? modelPath = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string : null;
        int kernel = NetworkDeclaration.KernelNotGiven;
        bool straightLine = true;
        foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
        {
            if (named.Key == AttributeSource.KernelPropertyName && named.Value.Value is int value)
            {
                kernel = value;
            }
            else if (named.Key == AttributeSource.StraightLinePropertyName && named.Value.Value is bool flag)
            {
                straightLine = flag;
            }
        }

        var containing = new List<ContainingType>();
        var problems = new List<string>();
        for (INamedTypeSymbol? outer = symbol.ContainingType; outer != null; outer = outer.ContainingType)
        {
            cancellationToken.ThrowIfCancellationRequested();
            containing.Insert(0, new ContainingType(Keyword(outer), NameWithTypeParameters(outer)));
            if (!IsPartial(outer, cancellationToken))
            {
                problems.Add("'" + outer.Name + "'");
            }
        }

        bool isPartial = syntax.Modifiers.Any(SyntaxKind.PartialKeyword);
        string? shapeProblem = null;
        if (!symbol.IsStatic || !isPartial || problems.Count > 0)
        {
            shapeProblem = problems.Count == 0 ? string.Empty : ", and the types containing it (" + string.Join(", ", problems) + ") 'partial'";
        }

        string? ns = symbol.ContainingNamespace.IsGlobalNamespace ? null : string.Join(".", symbol.ContainingNamespace.ToDisplayParts().Where(p => p.Kind == SymbolDisplayPartKind.NamespaceName).Select(p => Identifier(p.ToString())));
        string className = NameWithTypeParameters(symbol);
        string fullName = string.Join(".", new[] { ns }.Concat(containing.Select(c => c.Name)).Concat(new[] { className }).Where(s => s != null));
        // Metadata names (Net`1) cannot collide the way sanitised display names (Net<T> → Net_T_) can.
        var metadataNames = new List<string>();
        for (INamedTypeSymbol? type = symbol; type != null; type = type.ContainingType)
        {
            metadataNames.Insert(0, type.MetadataName);
        }

        for (INamespaceSymbol? space = symbol.ContainingNamespace; space != null && !space.IsGlobalNamespace; space = space.ContainingNamespace)
        {
            metadataNames.Insert(0, space.Name);
        }

        string hintName = string.Join(".", metadataNames) + ".g.cs";
        SyntaxReference? attributeSyntax = attribute.ApplicationSyntaxReference;
        return new NetworkDeclaration(
            ns,
            new EquatableArray<ContainingType>(containing.ToArray()),
            className,
            fullName,
            hintName,
            shapeProblem,
            modelPath,
            kernel,
            straightLine,
            LocationInfo.From(attributeSyntax?.GetSyntax(cancellationToken).GetLocation()),
            LocationInfo.From(syntax.Identifier.GetLocation()));
    }

    private static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration && declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                return true;
            }
        }

        return false;
    }

    private static string Keyword(INamedTypeSymbol type)
    {
        if (type.IsRecord)
        {
            return type.TypeKind == TypeKind.Struct ? "record struct" : "record";
        }

        return type.TypeKind switch
        {
            TypeKind.Struct => "struct",
            TypeKind.Interface => "interface",
            _ => "class",
        };
    }

    private static string NameWithTypeParameters(INamedTypeSymbol type)
        => type.TypeParameters.Length == 0 ? Identifier(type.Name) : Identifier(type.Name) + "<" + string.Join(", ", type.TypeParameters.Select(p => Identifier(p.Name))) + ">";

    /// <summary>A name as C# source: keywords get '@' (<c>@class</c>).</summary>
    private static string Identifier(string name)
        => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) == SyntaxKind.RecordKeyword ? "@" + name : name;
}
