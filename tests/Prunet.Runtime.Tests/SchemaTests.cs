using System.Text.Json;
using Json.Schema;

namespace Prunet.Tests;

/// <summary>The JSON Schema in docs/ describes what the writer writes and what the reader accepts.</summary>
public class SchemaTests
{
    private static readonly JsonSchema Schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "model-format.schema.json")));

    [Theory]
    [MemberData(nameof(Fixtures.Models), MemberType = typeof(Fixtures))]
    public void EveryValidFixtureMatchesTheSchema(string fixture) => AssertValid(Fixtures.Read(fixture));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void WhatTheWriterWritesMatchesTheSchema(int seed)
    {
        var provenance = new Dictionary<string, object?> { ["dataset"] = "x", ["metrics"] = new Dictionary<string, object?> { ["accuracy"] = 0.5 } };
        AssertValid(RandomModels.Create(seed).WithProvenance(provenance).ToJson());
    }

    [Theory]
    [InlineData("\"version\": 1", "\"version\": 2")]
    [InlineData("\"relu\"", "\"swish\"")]
    [InlineData("\"relu\"", "\"leaky_relu\"")]
    [InlineData("\"bias\"", "\"bais\"")]
    [InlineData("\"encoding\": \"dense\"", "\"encoding\": \"csr\"")]
    public void TheSchemaAndTheReaderBothRejectEdits(string oldText, string newText)
    {
        string json = Fixtures.Read("tiny-classifier.model.json");
        Assert.Contains(oldText, json);
        json = json.Replace(oldText, newText);
        Assert.Throws<PrunedModelFormatException>(() => PrunedModel.Parse(json));
        using JsonDocument document = JsonDocument.Parse(json);
        Assert.False(Schema.Evaluate(document.RootElement).IsValid);
    }

    private static void AssertValid(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        EvaluationResults results = Schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(results.IsValid, string.Join("; ", (results.Details ?? []).Where(d => d.Errors != null).SelectMany(d => d.Errors!.Select(e => d.InstanceLocation + ": " + e.Value))));
    }
}
