using System.Text;
using System.Text.Json;

namespace Prunet.Tests;

public class ModelReaderTests
{
    /// <summary>Decodes each valid fixture a second, independent way (System.Text.Json) and compares.</summary>
    [Theory]
    [MemberData(nameof(Fixtures.Models), MemberType = typeof(Fixtures))]
    public void ReadsTheSameValuesAsJsonDocument(string fixture)
    {
        string text = Fixtures.Read(fixture);
        PrunedModel model = PrunedModel.Parse(text, fixture);
        using JsonDocument document = JsonDocument.Parse(text);
        JsonElement root = document.RootElement;

        Assert.Equal(root.GetProperty("inputSize").GetInt32(), model.InputSize);
        Assert.Equal(root.GetProperty("task").GetString(), model.Task == ModelTask.Classification ? "classification" : "regression");
        JsonElement[] layers = root.GetProperty("layers").EnumerateArray().ToArray();
        Assert.Equal(layers.Length, model.Layers.Count);
        for (int k = 0; k < layers.Length; k++)
        {
            DenseLayer layer = model.Layers[k];
            Assert.Equal(layers[k].GetProperty("in").GetInt32(), layer.InputSize);
            Assert.Equal(layers[k].GetProperty("out").GetInt32(), layer.OutputSize);
            Assert.Equal(layers[k].GetProperty("activation").GetString(), ActivationNames.ToName(layer.Activation));
            Assert.Equal(Floats(layers[k].GetProperty("bias")), layer.Bias.ToArray());
            Assert.Equal(DecodeWeights(layers[k].GetProperty("weights"), layer.InputSize, layer.OutputSize), layer.Weights.ToArray());
        }

        if (root.TryGetProperty("labels", out JsonElement labels) && labels.ValueKind == JsonValueKind.Array)
        {
            Assert.Equal(labels.EnumerateArray().Select(l => l.GetString()!), model.Labels!);
        }

        if (root.TryGetProperty("preprocessing", out JsonElement pre) && pre.ValueKind == JsonValueKind.Object)
        {
            Assert.Equal(Floats(pre.GetProperty("shift")), model.Preprocessing!.Shift.ToArray());
            Assert.Equal(Floats(pre.GetProperty("scale")), model.Preprocessing!.Scale.ToArray());
        }
    }

    [Fact]
    public void ReadsProvenanceAsAPlainTree()
    {
        PrunedModel model = PrunedModel.Parse(Fixtures.Read("tiny-classifier.model.json"));
        var metrics = (IReadOnlyDictionary<string, object?>)model.Provenance["metrics"]!;
        var after = (IReadOnlyDictionary<string, object?>)metrics["after"]!;
        Assert.Equal(0.75, after["accuracy"]);
        var notes = (IReadOnlyList<object?>)model.Provenance["notes"]!;
        Assert.Equal(new object?[] { 1.0, "two", true, null }, notes.Take(4));
    }

    public static TheoryData<string, string, string, int, string, string> Errors()
    {
        // Each case: a change to a valid document, the JSON path, line and column, and words of the message.
        var data = new TheoryData<string, string, string, int, string, string>
        {
            { "wrong version", Replace("\"version\": 1", "\"version\": 2"), "$.version", 3, "2", "unsupported format version 2" },
            { "not a Prunet model", Replace("\"prunet-model\"", "\"keras\""), "$.format", 2, "\"keras\"", "not a Prunet model" },
            { "missing layers", Remove(LayersBlock), "$", 1, "{", "missing required field \"layers\"" },
            { "unknown activation", Replace("\"activation\": \"relu\"", "\"activation\": \"swish\""), "$.layers[0].activation", 10, "\"swish\"", "unknown activation \"swish\"" },
            { "softmax before the last layer", Replace("\"activation\": \"relu\"", "\"activation\": \"softmax\""), "$.layers[0].activation", 10, "\"softmax\"", "only allowed on the last layer" },
            { "layers that do not chain", Replace("\"in\": 2, \"out\": 2, \"activation\": \"linear\"", "\"in\": 3, \"out\": 2, \"activation\": \"linear\""), "$.layers[1].in", 15, "3", "layer sizes must chain" },
            { "inputSize against the first layer", Replace("\"inputSize\": 3", "\"inputSize\": 4"), "$.inputSize", 5, "4", "first layer takes 3 inputs" },
            { "dense weights of the wrong length", Replace("[0.5, -1, 0, 0, 0, 1.5]", "[0.5, -1, 0, 0, 0]"), "$.layers[0].weights.values", 12, "[", "expected 6 weights (out 2 × in 3), found 5" },
            { "sparse index out of range", Replace("{\"indices\": [1], \"values\": [2]}", "{\"indices\": [2], \"values\": [2]}"), "$.layers[1].weights.rows[1].indices[0]", 21, "2]", "out of range" },
            { "sparse index twice", Replace("{\"indices\": [0], \"values\": [1]}", "{\"indices\": [0, 0], \"values\": [1, 2]}"), "$.layers[1].weights.rows[0].indices[1]", 20, "0]", "appears twice" },
            { "sparse rows of the wrong count", Replace(",\n          {\"indices\": [1], \"values\": [2]}", ""), "$.layers[1].weights.rows", 19, "[", "expected 2 rows" },
            { "sparse indices and values of different lengths", Replace("{\"indices\": [1], \"values\": [2]}", "{\"indices\": [1], \"values\": [2, 3]}"), "$.layers[1].weights.rows[1].values", 21, "[2, 3]", "expected 1 values" },
            { "bias of the wrong length", Replace("\"bias\": [0.1, -0.2]", "\"bias\": [0.1]"), "$.layers[0].bias", 11, "[0.1]", "expected 2 values (one per output), found 1" },
            { "unknown field", Replace("\"bias\": [0.1, -0.2]", "\"bais\": [0.1, -0.2]"), "$.layers[0].bais", 11, "\"bais\"", "unknown field \"bais\"" },
            { "a number out of float range", Replace("\"bias\": [0.1, -0.2]", "\"bias\": [0.1, 1e400]"), "$.layers[0].bias[1]", 11, "1e400", "outside the range of a 32-bit float" },
            { "a float that overflows only float", Replace("\"bias\": [0.1, -0.2]", "\"bias\": [0.1, -3.5e38]"), "$.layers[0].bias[1]", 11, "-3.5e38", "outside the range of a 32-bit float" },
            { "NaN", Replace("\"bias\": [0.1, -0.2]", "\"bias\": [0.1, NaN]"), "$.layers[0].bias[1]", 11, "NaN", "NaN and infinities are not JSON numbers" },
            { "Infinity", Replace("[0.5, -1, 0, 0, 0, 1.5]", "[0.5, -1, 0, 0, 0, Infinity]"), "$.layers[0].weights.values[5]", 12, "Infinity", "NaN and infinities" },
            { "a string where a number belongs", Replace("\"in\": 3", "\"in\": \"3\""), "$.layers[0].in", 10, "\"3\"", "expected an integer, found the string \"3\"" },
            { "a fraction where an integer belongs", Replace("\"out\": 2, \"activation\": \"relu\"", "\"out\": 2.5, \"activation\": \"relu\""), "$.layers[0].out", 10, "2.5", "expected an integer, found 2.5" },
            { "leaky_relu without alpha", Replace("\"activation\": \"relu\"", "\"activation\": \"leaky_relu\""), "$.layers[0]", 9, "{", "leaky_relu needs \"alpha\"" },
            { "alpha on another activation", Replace("\"activation\": \"relu\"", "\"activation\": \"relu\", \"alpha\": 0.1"), "$.layers[0].alpha", 10, "0.1", "only applies to leaky_relu" },
            { "an unsupported layer type", Replace("\"type\": \"dense\", \"in\": 3", "\"type\": \"conv2d\", \"in\": 3"), "$.layers[0].type", 10, "\"conv2d\"", "unsupported layer type \"conv2d\"" },
            { "labels that do not match the outputs", Replace("\"labels\": [\"no\", \"yes\"]", "\"labels\": [\"no\", \"yes\", \"maybe\"]"), "$.labels", 6, "[", "expected 2 names" },
            { "duplicate labels", Replace("\"labels\": [\"no\", \"yes\"]", "\"labels\": [\"no\", \"no\"]"), "$.labels[1]", 6, "\"no\"]", "duplicate name \"no\"" },
            { "labels on a regression model", Replace("\"classification\"", "\"regression\""), "$.labels", 6, "[", "only apply to classification" },
            { "preprocessing of the wrong length", Replace("\"shift\": [0, 0, 0]", "\"shift\": [0, 0]"), "$.preprocessing.scale", 7, "[1, 1, 1]", "as many as shift" },
            { "an unknown weight encoding", Replace("\"encoding\": \"dense\"", "\"encoding\": \"csr\""), "$.layers[0].weights.encoding", 12, "\"csr\"", "unknown weight encoding \"csr\"" },
            { "a duplicate property", Replace("\"task\": \"classification\",", "\"task\": \"classification\", \"task\": \"regression\","), "$.task", 4, "\"task\": \"regression\"", "duplicate property \"task\"" },
            { "an absurd layer shape", Replace("\"in\": 3, \"out\": 2", "\"in\": 300000, \"out\": 300000"), "$.layers[0].out", 10, "300000, \"activation\"", "more than the 67108864" },
            { "a block size of 0", Replace("\"activation\": \"relu\"", "\"activation\": \"relu\", \"blockSize\": 0"), "$.layers[0].blockSize", 10, "0", "expected an integer from 1 to 2" },
            { "a block size beyond the outputs", Replace("\"activation\": \"relu\"", "\"activation\": \"relu\", \"blockSize\": 8"), "$.layers[0].blockSize", 10, "8", "expected an integer from 1 to 2" },
            { "the root is not an object", "[1, 2]", "$", 1, "[1, 2]", "must be a JSON object, found an array" },
            { "a classifier with one output", "{\"format\":\"prunet-model\",\"version\":1,\"task\":\"classification\",\"inputSize\":1,\"layers\":[{\"type\":\"dense\",\"in\":1,\"out\":1,\"activation\":\"linear\",\"bias\":[0],\"weights\":{\"encoding\":\"dense\",\"values\":[1]}}]}", "$.task", 1, "\"classification\"", "at least 2" },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(Errors))]
    public void EveryMalformedModelGetsItsOwnLocatedError(string description, string json, string path, int line, string token, string words)
    {
        var error = Assert.Throws<PrunedModelFormatException>(() => PrunedModel.Parse(json, "m.json"));
        Assert.True(error.Reason.Contains(words, StringComparison.Ordinal), description + ": the message was: " + error.Message);
        Assert.Equal(path, error.JsonPath);

        // The position names the offending token, and line and column agree with the offset.
        Assert.Equal(line, error.Line);
        Assert.StartsWith(token, json.Substring(error.Offset));
        string before = json.Substring(0, error.Offset);
        Assert.Equal(line, before.Count(c => c == '\n') + 1);
        Assert.Equal(error.Offset - before.LastIndexOf('\n'), error.Column);
        Assert.Equal($"m.json({line},{error.Column}): {path}: {error.Reason}", error.Message);
    }

    [Fact]
    public void ValidBaseDocumentReads()
    {
        PrunedModel model = PrunedModel.Parse(Valid);
        Assert.Equal(2, model.Layers.Count);
        Assert.Equal(new[] { 0f, 2f }, model.Layers[1].Row(1).ToArray());
    }

    [Fact]
    public void LoadNamesTheFileAndRejectsEncodingsOtherThanUtf8()
    {
        string directory = Directory.CreateTempSubdirectory().FullName;
        try
        {
            string path = Path.Combine(directory, "bad.model.json");
            File.WriteAllBytes(path, Encoding.UTF8.GetBytes(Valid.Replace("\"relu\"", "\"rleu\"")));
            var error = Assert.Throws<PrunedModelFormatException>(() => PrunedModel.Load(path));
            Assert.StartsWith(path + "(10,", error.Message);

            File.WriteAllBytes(path, Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(Valid)).ToArray());
            Assert.Contains("UTF-16", Assert.Throws<PrunedModelFormatException>(() => PrunedModel.Load(path)).Message);

            File.WriteAllBytes(path, new byte[] { (byte)'{', 0xC3, 0x28, (byte)'}' });
            var notUtf8 = Assert.Throws<PrunedModelFormatException>(() => PrunedModel.Load(path));
            Assert.Contains("not valid UTF-8", notUtf8.Message);
            Assert.StartsWith(path, notUtf8.Message);

            File.WriteAllBytes(path, Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Valid)).ToArray());
            Assert.Equal(3, PrunedModel.Load(path).InputSize);

            string missing = Path.Combine(directory, "missing.model.json");
            Assert.Contains(missing, Assert.Throws<FileNotFoundException>(() => PrunedModel.Load(missing)).Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>A small valid document; the error cases above are edits of it (line numbers refer to it).</summary>
    private const string Valid = """
        {
          "format": "prunet-model",
          "version": 1,
          "task": "classification",
          "inputSize": 3,
          "labels": ["no", "yes"],
          "preprocessing": { "shift": [0, 0, 0], "scale": [1, 1, 1] },
          "layers": [
            {
              "type": "dense", "in": 3, "out": 2, "activation": "relu",
              "bias": [0.1, -0.2],
              "weights": { "encoding": "dense", "values": [0.5, -1, 0, 0, 0, 1.5] }
            },
            {
              "type": "dense", "in": 2, "out": 2, "activation": "linear",
              "bias": [0, 0],
              "weights": {
                "encoding": "sparse",
                "rows": [
                  {"indices": [0], "values": [1]},
                  {"indices": [1], "values": [2]}
                ]
              }
            }
          ]
        }
        """;

    private const string LayersBlock = "layers";

    private static string Replace(string oldText, string newText)
    {
        Assert.Contains(oldText, Valid);
        return Valid.Replace(oldText, newText);
    }

    private static string Remove(string field)
    {
        int start = Valid.IndexOf(",\n  \"" + field + "\"", StringComparison.Ordinal);
        Assert.True(start > 0);
        return Valid.Substring(0, start) + "\n}";
    }

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => e.GetSingle()).ToArray();

    private static float[] DecodeWeights(JsonElement weights, int inputs, int outputs)
    {
        if (weights.GetProperty("encoding").GetString() == "dense")
        {
            return Floats(weights.GetProperty("values"));
        }

        var dense = new float[inputs * outputs];
        int j = 0;
        foreach (JsonElement row in weights.GetProperty("rows").EnumerateArray())
        {
            int[] indices = row.GetProperty("indices").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            float[] values = Floats(row.GetProperty("values"));
            for (int n = 0; n < indices.Length; n++)
            {
                dense[(j * inputs) + indices[n]] = values[n];
            }

            j++;
        }

        return dense;
    }
}
