using System.Text.Json;
using Prunet.Format.Json;

namespace Prunet.Tests;

/// <summary>Our located JSON parser must accept exactly what System.Text.Json accepts, and read the same values.</summary>
public class JsonParserTests
{
    // Our parser refuses duplicate properties (a model with two "bias" fields is a mistake, not a choice).
    private static readonly JsonDocumentOptions StrictOptions = new() { MaxDepth = JsonParser.MaxDepth, AllowDuplicateProperties = false };

    [Theory]
    [MemberData(nameof(Fixtures.All), MemberType = typeof(Fixtures))]
    public void AgreesWithJsonDocumentOnEveryFixture(string fixture)
    {
        string text = Fixtures.Read(fixture);
        JsonDocument? reference = null;
        try
        {
            reference = JsonDocument.Parse(text, StrictOptions);
        }
        catch (JsonException)
        {
        }

        JsonNode? ours = null;
        try
        {
            ours = JsonParser.Parse(text, fixture);
        }
        catch (PrunedModelFormatException)
        {
        }

        Assert.Equal(reference != null, ours != null);
        if (reference != null)
        {
            AssertSame(reference.RootElement, ours!);
        }

        reference?.Dispose();
    }

    [Theory]
    [InlineData("{\"a\":1,}", 1, 8)]
    [InlineData("{\n  \"a\": [1, 2\n}", 3, 1)]
    [InlineData("[1, NaN]", 1, 5)]
    [InlineData("[1, -Infinity]", 1, 5)]
    [InlineData("{\"a\": \"unterminated", 1, 7)]
    [InlineData("{\"a\": tru}", 1, 7)]
    [InlineData("", 1, 1)]
    [InlineData("   ", 1, 4)]
    [InlineData("{\"a\":1}\r\n\r\n  x", 3, 3)]
    [InlineData("{\"a\":1, \"a\":2}", 1, 9)]
    [InlineData("[01]", 1, 2)]
    [InlineData("[1e]", 1, 2)]
    [InlineData("[\"\\u12G4\"]", 1, 3)]
    public void SyntaxErrorsPointAtTheProblem(string text, int line, int column)
    {
        var error = Assert.Throws<PrunedModelFormatException>(() => JsonParser.Parse(text, "doc.json"));
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.StartsWith("doc.json(" + line + "," + column + "): ", error.Message);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(text, StrictOptions));
    }

    [Fact]
    public void NestingBeyondTheLimitIsAnErrorNotAStackOverflow()
    {
        string deep = new string('[', JsonParser.MaxDepth + 1) + new string(']', JsonParser.MaxDepth + 1);
        var error = Assert.Throws<PrunedModelFormatException>(() => JsonParser.Parse(deep, null));
        Assert.Contains("nests deeper than 64", error.Reason);
        Assert.Equal(JsonParser.MaxDepth + 1, error.Column);

        string limit = new string('[', JsonParser.MaxDepth) + new string(']', JsonParser.MaxDepth);
        Assert.Equal(JsonKind.Array, JsonParser.Parse(limit, null).Kind);

        string veryDeep = new string('[', 100_000);
        Assert.Throws<PrunedModelFormatException>(() => JsonParser.Parse(veryDeep, null));
    }

    [Fact]
    public void PathsAndFindFollowTheDocument()
    {
        JsonNode root = JsonParser.Parse("{\"layers\":[{\"bias\":[1,2]},{\"bias\":[3]}]}", null);
        JsonNode bias = root.Find("$.layers[1].bias[0]");
        Assert.Equal("$.layers[1].bias[0]", bias.Path);
        Assert.Equal("3", bias.Text);
        Assert.Equal("$.layers[1].bias", root.Find("$.layers[1].bias[7]").Path);
        Assert.Equal("$.layers", root.Find("$.layers.nothing").Path);
    }

    private static void AssertSame(JsonElement expected, JsonNode actual)
    {
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                Assert.Equal(JsonKind.Object, actual.Kind);
                var properties = expected.EnumerateObject().ToList();
                Assert.Equal(properties.Count, actual.Properties!.Count);
                for (int i = 0; i < properties.Count; i++)
                {
                    Assert.Equal(properties[i].Name, actual.Properties[i].Name);
                    AssertSame(properties[i].Value, actual.Properties[i].Value);
                }

                break;
            case JsonValueKind.Array:
                Assert.Equal(JsonKind.Array, actual.Kind);
                var items = expected.EnumerateArray().ToList();
                Assert.Equal(items.Count, actual.Items!.Count);
                for (int i = 0; i < items.Count; i++)
                {
                    AssertSame(items[i], actual.Items[i]);
                }

                break;
            case JsonValueKind.String:
                Assert.Equal(JsonKind.String, actual.Kind);
                Assert.Equal(expected.GetString(), actual.Text);
                break;
            case JsonValueKind.Number:
                Assert.Equal(JsonKind.Number, actual.Kind);
                Assert.Equal(expected.GetDouble(), double.Parse(actual.Text!, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case JsonValueKind.True:
                Assert.Equal(JsonKind.True, actual.Kind);
                break;
            case JsonValueKind.False:
                Assert.Equal(JsonKind.False, actual.Kind);
                break;
            default:
                Assert.Equal(JsonKind.Null, actual.Kind);
                break;
        }
    }
}
