using System;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Prunet.Format.Json;

namespace Prunet.Generator.Parsing;

/// <summary>
/// The text of a referenced model file and a hash of it. Equal when path and hash are equal, so
/// the parsing step after it runs again only when the file's content changes.
/// </summary>
internal sealed class ModelText : IEquatable<ModelText>
{
    private ModelText(string path, string hash, SourceText? text, string? readError)
    {
        Path = path;
        Hash = hash;
        Text = text;
        ReadError = readError;
    }

    public string Path { get; }

    /// <summary>SHA-256 of the text (UTF-8), hex; empty when the file could not be read.</summary>
    public string Hash { get; }

    /// <summary>The compiler's text of the file (not copied); null when it could not be read.</summary>
    public SourceText? Text { get; }

    /// <summary>Why the text could not be read (the exception's message), or null.</summary>
    public string? ReadError { get; }

    public static ModelText Read(AdditionalText file, CancellationToken cancellationToken)
    {
        try
        {
            SourceText? text = file.GetText(cancellationToken);
            return text == null
                ? new ModelText(file.Path, string.Empty, null, "the compiler has no text for it")
                : new ModelText(file.Path, Sha256(text.ToString()), text, null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new ModelText(file.Path, string.Empty, null, e.GetType().Name + ": " + e.Message);
        }
    }

    public bool Equals(ModelText? other) => other != null && Path == other.Path && Hash == other.Hash && ReadError == other.ReadError;

    public override bool Equals(object? obj) => Equals(obj as ModelText);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Path) ^ StringComparer.Ordinal.GetHashCode(Hash);

    internal static string Sha256(string text)
    {
        using SHA256 sha = SHA256.Create();
        byte[] digest = sha.ComputeHash(Encoding.UTF8.GetBytes(text));
        var hex = new StringBuilder(digest.Length * 2);
        foreach (byte b in digest)
        {
            hex.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return hex.ToString();
    }
}

/// <summary>
/// A model file after reading: the model, or the diagnostic that says why there is none.
/// Equal when path and content hash are equal: comparing whole models would cost as much as
/// the parse the cache is there to avoid.
/// </summary>
internal sealed class ParsedModel : IEquatable<ParsedModel>
{
    /// <summary>
    /// The largest model the generator compiles. Build time grows with the nonzero weights (each is
    /// constant data the compiler binds on every build); 2 million is about 8 MB of data, several
    /// times the 784-300-100-10 dense network, whose build cost is measured in docs/performance.md.
    /// </summary>
    public const long MaxNonzeroWeights = 2_000_000;

    /// <summary>Files longer than this are not parsed at all: about 3 times a file of <see cref="MaxNonzeroWeights"/> dense weights.</summary>
    public const int MaxTextLength = 64 * 1024 * 1024;

    private ParsedModel(string path, string hash, PrunedModel? model, DiagnosticInfo? error)
    {
        Path = path;
        Hash = hash;
        Model = model;
        Error = error;
    }

    public string Path { get; }

    public string Hash { get; }

    /// <summary>The model; null when the file is not a valid model.</summary>
    public PrunedModel? Model { get; }

    /// <summary>Why <see cref="Model"/> is null, located in the model file.</summary>
    public DiagnosticInfo? Error { get; }

    /// <summary>Parses the text; never throws (but for cancellation).</summary>
    public static ParsedModel Parse(ModelText file, CancellationToken cancellationToken)
    {
        if (file.Text == null)
        {
            return new ParsedModel(file.Path, file.Hash, null, DiagnosticInfo.Create(Diagnostics.UnreadableModelFile, null, file.Path, file.ReadError ?? "unknown error"));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var start = LocationInfo.InText(file.Path, file.Text, 0, 0);
        if (file.Text.Length > MaxTextLength)
        {
            return TooLarge(file, start, Count(file.Text.Length) + " characters of text", Count(MaxTextLength) + " characters");
        }

        string json = string.Empty;
        try
        {
            json = file.Text.ToString();
            PrunedModel model = PrunedModel.Parse(json, file.Path);
            long nonzeros = model.Statistics.NonzeroWeights;
            return nonzeros > MaxNonzeroWeights
                ? TooLarge(file, start, Count(nonzeros) + " nonzero weights", Count(MaxNonzeroWeights) + " nonzero weights")
                : new ParsedModel(file.Path, file.Hash, model, null);
        }
        catch (PrunedModelFormatException e)
        {
            return new ParsedModel(file.Path, file.Hash, null, Describe(e, file, json));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var where = new LocationInfo(file.Path, default, default); // the text itself may be what failed
            return new ParsedModel(file.Path, file.Hash, null, DiagnosticInfo.Create(Diagnostics.InternalError, where, file.Path, e.GetType().Name + ": " + e.Message));
        }
    }

    public bool Equals(ParsedModel? other) => other != null && Path == other.Path && Hash == other.Hash;

    private static ParsedModel TooLarge(ModelText file, LocationInfo where, string size, string limit)
        => new(file.Path, file.Hash, null, DiagnosticInfo.Create(Diagnostics.ModelTooLarge, where, file.Path, size, limit));

    private static string Count(long n) => n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    public override bool Equals(object? obj) => Equals(obj as ParsedModel);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Path) ^ StringComparer.Ordinal.GetHashCode(Hash);

    /// <summary>
    /// Sorts a reader error into syntax (PRN004), unsupported version or layer type (PRN006) and
    /// any other rule of the format (PRN005), located at the offending token.
    /// </summary>
    private static DiagnosticInfo Describe(PrunedModelFormatException error, ModelText file, string json)
    {
        DiagnosticDescriptor descriptor;
        if (IsSyntaxError(json))
        {
            descriptor = Diagnostics.MalformedJson;
        }
        else if (error.JsonPath == "$.version" || error.JsonPath == "$.format" || (error.JsonPath.StartsWith("$.layers[", StringComparison.Ordinal) && error.JsonPath.EndsWith("].type", StringComparison.Ordinal)))
        {
            descriptor = Diagnostics.UnsupportedModel;
        }
        else
        {
            descriptor = Diagnostics.InvalidModel;
        }

        LocationInfo where = LocationInfo.InText(file.Path, file.Text!, error.Offset < 0 ? 0 : error.Offset, error.Offset < 0 ? 0 : error.Length);
        return DiagnosticInfo.Create(descriptor, where, error.JsonPath.Length == 0 ? "$" : error.JsonPath, error.Reason);
    }

    // Runs only after the reader failed, so valid files are parsed once.
    private static bool IsSyntaxError(string json)
    {
        try
        {
            JsonParser.Parse(json, null);
            return false;
        }
        catch (PrunedModelFormatException)
        {
            return true;
        }
    }
}
