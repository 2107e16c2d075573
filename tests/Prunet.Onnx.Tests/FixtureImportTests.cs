using Prunet.Onnx;
using Xunit.Abstractions;

namespace Prunet.Tests;

/// <summary>Every importable fixture, from real PyTorch exports to graphs made by hand, gives PyTorch's (or numpy's) numbers.</summary>
public class FixtureImportTests
{
    private readonly ITestOutputHelper _log;

    public FixtureImportTests(ITestOutputHelper log) => _log = log;

    [Theory]
    [MemberData(nameof(Fixtures.ImportableData), MemberType = typeof(Fixtures))]
    public void Import_agrees_with_the_recorded_outputs(string name)
    {
        PrunedModel model = OnnxImporter.Import(Fixtures.Path(name));
        float[][] inputs = Fixtures.Rows(name, "inputs");
        float[][] expected = Fixtures.Rows(name, "outputs");
        Assert.Equal(expected.Length, inputs.Length);
        double worst = 0;
        for (int r = 0; r < inputs.Length; r++)
        {
            var actual = new float[model.OutputSize];
            model.Predict(inputs[r], actual);
            Assert.True(OutputAgreement.Agrees(actual, expected[r], out string why), name + ", sample " + r + ": " + why);
            worst = Math.Max(worst, OnnxRuntimeAgreementTests.RelativeError(actual, expected[r]));
        }

        _log.WriteLine(FormattableString.Invariant($"{name}: {inputs.Length} samples, worst relative difference from PyTorch's (numpy's) outputs: {worst:G3}"));
    }

    [Theory]
    [MemberData(nameof(Fixtures.ImportableData), MemberType = typeof(Fixtures))]
    public void Import_finds_the_recorded_layers_and_task(string name)
    {
        PrunedModel model = OnnxImporter.Import(Fixtures.Path(name));
        var record = Fixtures.Record(name);
        Assert.Equal(record.GetProperty("layers").GetString(), model.InputSize + "-" + string.Join("-", model.Layers.Select(l => l.OutputSize)));
        Assert.Equal(record.GetProperty("activations").EnumerateArray().Select(a => a.GetString()), model.Layers.Select(l => ActivationNames.ToName(l.Activation)));
        string task = record.TryGetProperty("task", out var t) ? t.GetString()! : "classification";
        Assert.Equal(task, model.Task == ModelTask.Classification ? "classification" : "regression");
        Assert.Equal(record.TryGetProperty("postprocessing", out var post) && post.GetBoolean(), model.Postprocessing != null);
        Assert.Null(model.Labels);
    }

    [Fact]
    public void The_PyTorch_mnist_network_keeps_its_zeros_as_pruned_weights_and_its_division_as_preprocessing()
    {
        OnnxImport imported = OnnxImporter.Read(Fixtures.Path("mnist_mlp.onnx"));
        PrunedModel model = imported.Model;
        int zeros = Fixtures.Record("mnist_mlp.onnx").GetProperty("zeroWeights").GetInt32();
        Assert.Equal(zeros, model.Layers[0].WeightCount - model.Layers[0].NonzeroCount);
        Assert.Equal(0.1f, model.Layers[0].Alpha);

        // x / 255 folded: shift 0, scale 1/255 for each of the 784 pixels of [N, 1, 28, 28].
        Assert.NotNull(model.Preprocessing);
        Assert.Equal(784, model.Preprocessing!.Count);
        Assert.All(model.Preprocessing.Shift.ToArray(), s => Assert.Equal(0f, s));
        Assert.All(model.Preprocessing.Scale.ToArray(), s => Assert.Equal(1f / 255, s, 1e-9f));
        Assert.Contains(imported.Notes, n => n.Contains("\"/Div\"", StringComparison.Ordinal));
        Assert.Contains(imported.Notes, n => n.Contains("kept as pruned", StringComparison.Ordinal));

        var imported2 = model.Provenance["imported"] as IReadOnlyDictionary<string, object?>;
        Assert.Equal("onnx", imported2!["format"]);
        Assert.Equal("mnist_mlp.onnx", imported2["file"]);
        Assert.StartsWith("pytorch", (string)imported2["producer"]!, StringComparison.Ordinal);
        Assert.Equal(13.0, imported2["opset"]);
    }

    [Fact]
    public void The_trained_digits_network_predicts_what_PyTorch_predicts_on_every_row()
    {
        PrunedModel model = OnnxImporter.Import(Fixtures.Path("digits_mlp.onnx"));
        int[] expected = Fixtures.Record("digits_mlp.onnx").GetProperty("predictedClasses").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        var digits = Prunet.Data.DataSource.LoadDataset("digits");
        Assert.Equal(expected.Length, digits.Rows);
        int same = Enumerable.Range(0, digits.Rows).Count(r => model.PredictClass(digits.Row(r)) == expected[r]);
        Assert.Equal(digits.Rows, same);
        Assert.Equal(ModelTask.Classification, model.Task);
        Assert.Equal(Activation.Linear, model.Layers[^1].Activation);
    }

    [Fact]
    public void Standardisation_in_forward_becomes_pre_and_postprocessing_of_a_regression()
    {
        PrunedModel model = OnnxImporter.Import(Fixtures.Path("mpg_regression.onnx"));
        Assert.Equal(ModelTask.Regression, model.Task);
        Assert.Equal(5.5f, model.Preprocessing!.Shift[0], 1e-5f);
        Assert.Equal(1 / 1.7f, model.Preprocessing.Scale[0], 1e-6f);
        Assert.Equal(7.8f, model.Postprocessing!.Scale[0], 1e-6f);
        Assert.Equal(23.4f, model.Postprocessing.Shift[0], 1e-5f);
    }

    [Fact]
    public void A_fixed_batch_export_is_read_as_taking_any_batch_and_says_so()
    {
        OnnxImport imported = OnnxImporter.Read(Fixtures.Path("fixed_batch.onnx"));
        Assert.Contains(imported.Notes, n => n.StartsWith("the graph was exported for a fixed batch; the reshape in node ", StringComparison.Ordinal));
        Assert.DoesNotContain(OnnxImporter.Read(Fixtures.Path("mnist_mlp.onnx")).Notes, n => n.Contains("fixed batch", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_options_declare_preprocessing_labels_and_task()
    {
        var options = new OnnxImportOptions(ModelTask.Classification, new[] { "a", "b", "c" }, new[] { 0.5f }, new[] { 2f });
        PrunedModel plain = OnnxImporter.Import(Fixtures.Path("flatten_tanh.onnx"));
        PrunedModel declared = OnnxImporter.Import(Fixtures.Path("flatten_tanh.onnx"), options);
        Assert.Equal(new[] { "a", "b", "c" }, declared.Labels);
        var random = new Random(3);
        for (int r = 0; r < 20; r++)
        {
            float[] raw = Enumerable.Range(0, 48).Select(_ => (float)(random.NextDouble() * 8 - 4)).ToArray();
            float[] scaled = raw.Select(x => (x - 2f) * 0.5f).ToArray();
            var a = new float[3];
            var b = new float[3];
            declared.Predict(raw, a);
            plain.Predict(scaled, b);
            Assert.True(OutputAgreement.Agrees(a, b, out string why), why);
        }

        PrunedModel regression = OnnxImporter.Import(Fixtures.Path("flatten_tanh.onnx"), new OnnxImportOptions(ModelTask.Regression));
        Assert.Equal(ModelTask.Regression, regression.Task);
    }

    [Fact]
    public void Preprocessing_options_compose_with_the_graphs_own()
    {
        // mnist_mlp divides by 255; declaring a shift of 10 and a scale of 2 gives ((x - 10) * 2) / 255.
        PrunedModel model = OnnxImporter.Import(Fixtures.Path("mnist_mlp.onnx"), new OnnxImportOptions(InputScale: new[] { 2f }, InputShift: new[] { 10f }));
        Assert.Equal(10f, model.Preprocessing!.Shift[5], 1e-4f);
        Assert.Equal(2f / 255, model.Preprocessing.Scale[5], 1e-9f);
    }
}
