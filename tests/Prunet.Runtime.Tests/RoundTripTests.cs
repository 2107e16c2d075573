namespace Prunet.Tests;

public class RoundTripTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void WriteThenReadGivesTheSameModelAndIdenticalPredictions(int seed)
    {
        PrunedModel model = RandomModels.Create(seed);
        string json = model.ToJson();
        PrunedModel read = PrunedModel.Parse(json);

        for (int k = 0; k < model.Layers.Count; k++)
        {
            Assert.Equal(model.Layers[k].Weights.ToArray(), read.Layers[k].Weights.ToArray());
            Assert.Equal(model.Layers[k].Bias.ToArray(), read.Layers[k].Bias.ToArray());
            Assert.Equal(model.Layers[k].Activation, read.Layers[k].Activation);
            Assert.Equal(model.Layers[k].Alpha, read.Layers[k].Alpha);
            Assert.Equal(model.Layers[k].BlockSize, read.Layers[k].BlockSize);
        }

        var random = new Random(seed);
        var expected = new float[model.OutputSize];
        var actual = new float[model.OutputSize];
        for (int n = 0; n < 20; n++)
        {
            float[] input = RandomModels.Input(random, model.InputSize);
            model.Predict(input, expected);
            read.Predict(input, actual);
            Assert.Equal(expected, actual);
        }

        Assert.Equal(json, read.ToJson());
    }

    [Fact]
    public void FloatsAreWrittenInTheShortestFormThatReadsBack()
    {
        float[] values = { 0.1f, 1f / 3f, -2.5e-8f, 3.4028235e38f, float.Epsilon, 16777217f, 0.30000001f };
        var layer = new DenseLayer(values.Length, 2, Activation.Linear, values.Concat(values).ToArray(), new[] { 0f, -0f });
        string json = new PrunedModel(ModelTask.Regression, new[] { layer }).ToJson();
        Assert.Contains("[0.1,0.33333334,-2.5E-08,3.4028235E+38,1E-45,16777216,0.3,", json);
        Assert.Equal(values.Concat(values), PrunedModel.Parse(json).Layers[0].Weights.ToArray());
    }

    [Fact]
    public void TheWriterPicksTheShorterEncodingPerLayer()
    {
        var random = new Random(5);
        float[] Dense(int n, double sparsity) => Enumerable.Range(0, n).Select(_ => random.NextDouble() < sparsity ? 0f : (float)random.NextDouble()).ToArray();
        var sparse = new DenseLayer(50, 20, Activation.Relu, Dense(1000, 0.9), new float[20]);
        var dense = new DenseLayer(20, 3, Activation.Linear, Dense(60, 0.0), new float[3]);
        string json = new PrunedModel(ModelTask.Classification, new[] { sparse, dense }).ToJson();

        int first = json.IndexOf("\"encoding\"", StringComparison.Ordinal);
        int second = json.IndexOf("\"encoding\"", first + 1, StringComparison.Ordinal);
        Assert.StartsWith("\"encoding\": \"sparse\"", json.Substring(first));
        Assert.StartsWith("\"encoding\": \"dense\"", json.Substring(second));

        // The choice really is the shorter one: forcing the other encoding on the sparse layer makes a longer text.
        string denseText = string.Join(",", sparse.Weights.ToArray().Select(w => w == 0 ? "0" : w.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        int sparseStart = json.IndexOf("\"rows\"", StringComparison.Ordinal);
        int sparseEnd = json.IndexOf(']', json.IndexOf("\"values\"", json.LastIndexOf("\"indices\"", second, StringComparison.Ordinal), StringComparison.Ordinal));
        Assert.True(sparseEnd - sparseStart < denseText.Length, "sparse text should be shorter here");
    }

    [Fact]
    public void TheBlockSizeIsWrittenOnlyWhenItSaysSomething()
    {
        var blocked = new DenseLayer(3, 8, Activation.Relu, new float[24], new float[8], blockSize: 4);
        var plain = new DenseLayer(8, 2, Activation.Linear, new float[16], new float[2]);
        string json = new PrunedModel(ModelTask.Classification, new[] { blocked, plain }).ToJson();
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(json, "\"blockSize\": 4"));
        Assert.DoesNotContain("\"blockSize\": 1", json);
        PrunedModel read = PrunedModel.Parse(json);
        Assert.Equal(new[] { 4, 1 }, read.Layers.Select(l => l.BlockSize));
        Assert.Throws<PrunedModelFormatException>(() => new DenseLayer(3, 8, Activation.Relu, new float[24], new float[8], blockSize: 9));
    }

    [Fact]
    public void SameModelGivesTheSameBytes()
    {
        Assert.Equal(RandomModels.Create(11).ToJson(), RandomModels.Create(11).ToJson());
    }

    [Fact]
    public void ProvenanceRoundTrips()
    {
        var provenance = new Dictionary<string, object?>
        {
            ["dataset"] = "digits",
            ["metrics"] = new Dictionary<string, object?> { ["accuracy"] = 0.9625, ["rows"] = 360 },
            ["layerSparsity"] = new List<object?> { 0.8f, 0.5 },
            ["notes"] = null,
            ["flag"] = true,
        };
        PrunedModel model = RandomModels.Create(3).WithProvenance(provenance);
        PrunedModel read = PrunedModel.Parse(model.ToJson());
        Assert.Equal("digits", read.Provenance["dataset"]);
        var metrics = (IReadOnlyDictionary<string, object?>)read.Provenance["metrics"]!;
        Assert.Equal(0.9625, metrics["accuracy"]);
        Assert.Equal(360.0, metrics["rows"]);
        Assert.Equal(new object?[] { 0.8, 0.5 }, (IReadOnlyList<object?>)read.Provenance["layerSparsity"]!);
        Assert.Null(read.Provenance["notes"]);
        Assert.Equal(true, read.Provenance["flag"]);
        Assert.Equal(model.ToJson(), read.ToJson());

        var bad = new Dictionary<string, object?> { ["score"] = double.NaN };
        Assert.Equal("$.provenance.score", Assert.Throws<PrunedModelFormatException>(() => model.WithProvenance(bad)).JsonPath);
    }

    [Fact]
    public void SaveReplacesTheFileAtomically()
    {
        string directory = Directory.CreateTempSubdirectory().FullName;
        try
        {
            string path = Path.Combine(directory, "m.model.json");
            PrunedModel model = RandomModels.Create(4);
            model.Save(path);
            Assert.Equal(model.ToJson(), File.ReadAllText(path));
            RandomModels.Create(5).Save(path);
            Assert.Equal(RandomModels.Create(5).ToJson(), File.ReadAllText(path));
            Assert.Single(Directory.GetFiles(directory));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
