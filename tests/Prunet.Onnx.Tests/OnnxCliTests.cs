using System.Text.Json;
using Prunet.Cli;

namespace Prunet.Tests;

/// <summary>prunet import and export, and the other commands given an .onnx model directly.</summary>
public class OnnxCliTests
{
    [Fact]
    public void Import_writes_a_model_and_reports_what_it_folded()
    {
        using var temp = new TempDirectory();
        CliResult result = Run("import", Fixtures.Path("mnist_mlp.onnx"), "-o", temp.File("mnist.json"));
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("classifier, 784-32-16-10", result.Output, StringComparison.Ordinal);
        Assert.Contains("preprocessing: folded from node 1 \"/Div\" (Div)", result.Output, StringComparison.Ordinal);
        Assert.Contains("task: classification (10 outputs", result.Output, StringComparison.Ordinal);
        PrunedModel model = PrunedModel.Load(temp.File("mnist.json"));
        Assert.Equal(784, model.InputSize);
    }

    [Fact]
    public void Import_options_reach_the_model()
    {
        using var temp = new TempDirectory();
        CliResult result = Run("import", Fixtures.Path("flatten_tanh.onnx"), "-o", temp.File("m.json"), "--labels", "red,green,blue", "--input-scale", "0.5", "--input-shift", "2", "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        using JsonDocument json = JsonDocument.Parse(result.Output);
        Assert.Equal("classification", json.RootElement.GetProperty("task").GetString());
        PrunedModel model = PrunedModel.Load(temp.File("m.json"));
        Assert.Equal(new[] { "red", "green", "blue" }, model.Labels);
        Assert.Equal(2f, model.Preprocessing!.Shift[0]);
        Assert.Equal(0.5f, model.Preprocessing.Scale[0]);

        result = Run("import", Fixtures.Path("flatten_tanh.onnx"), "-o", temp.File("r.json"), "--task", "regression");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(ModelTask.Regression, PrunedModel.Load(temp.File("r.json")).Task);
    }

    [Fact]
    public void Import_errors_are_one_line_naming_file_and_node()
    {
        using var temp = new TempDirectory();
        CliResult result = Run("import", Fixtures.Path("conv.onnx"), "-o", temp.File("m.json"));
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("prunet: error: " + Fixtures.Path("conv.onnx") + ": node 0 \"conv1\" (Conv): Conv is not supported: Prunet imports fully connected networks, made of " + Prunet.Onnx.NetworkTracer.SupportedOperators, result.Error.TrimEnd());
        Assert.False(File.Exists(temp.File("m.json")));

        result = Run("import", Fixtures.Path("flatten_tanh.onnx"), "-o", temp.File("m.json"), "--input-scale", "x");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--input-scale: 'x' is not a number", result.Error, StringComparison.Ordinal);

        result = Run("import", Fixtures.Path("flatten_tanh.onnx"), "-o", temp.File("m.onnx"));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("import writes a Prunet model (JSON)", result.Error, StringComparison.Ordinal);

        result = Run("export", Fixtures.Path("flatten_tanh.onnx"), "-o", temp.File("m.json"));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("export writes ONNX; name the file .onnx", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_takes_an_onnx_model_on_idx_data_and_matches_pytorchs_accuracy()
    {
        CliResult result = Run("eval", "--model", Fixtures.Path("mnist_mlp.onnx"), "--data", Fixtures.Path("tiny-idx"), "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        using JsonDocument json = JsonDocument.Parse(result.Output);
        double expected = Fixtures.Record("tiny-idx").GetProperty("testAccuracy").GetDouble();
        Assert.Equal(expected, json.RootElement.GetProperty("accuracy").GetDouble(), 12);
        Assert.Equal(30, json.RootElement.GetProperty("rows").GetInt32());
    }

    [Fact]
    public void Eval_takes_an_onnx_model_on_csv_data()
    {
        CliResult result = Run("eval", "--model", Fixtures.Path("digits_mlp.onnx"), "--data", "digits", "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        using JsonDocument json = JsonDocument.Parse(result.Output);
        Assert.True(json.RootElement.GetProperty("accuracy").GetDouble() > 0.95, result.Output);
    }

    [Fact]
    public void Prune_and_inspect_take_an_onnx_model()
    {
        using var temp = new TempDirectory();
        CliResult result = Run("prune", "--model", Fixtures.Path("digits_mlp.onnx"), "--data", "digits", "--sparsity", "0.5", "--finetune-epochs", "1", "-o", temp.File("pruned.json"), "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        using JsonDocument json = JsonDocument.Parse(result.Output);
        Assert.Equal(0.5, json.RootElement.GetProperty("pruningRate").GetDouble(), 2);
        PrunedModel pruned = PrunedModel.Load(temp.File("pruned.json"));
        Assert.True(pruned.Provenance.ContainsKey("imported"));
        Assert.True(pruned.Provenance.ContainsKey("pruning"));

        result = Run("inspect", Fixtures.Path("mnist_mlp.onnx"));
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("784-32-16-10", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Sweep_takes_an_onnx_model()
    {
        using var temp = new TempDirectory();
        CliResult result = Run("sweep", "--model", Fixtures.Path("digits_mlp.onnx"), "--data", "digits", "--sparsities", "0.5,0.9", "--finetune-epochs", "0", "-o", temp.File("sweep"));
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.True(File.Exists(Path.Combine(temp.File("sweep"), "sweep.csv")));
    }

    [Fact]
    public void Export_writes_an_onnx_file_that_imports_back_to_the_same_predictions()
    {
        using var temp = new TempDirectory();
        Assert.Equal(0, Run("train", "--data", "iris", "--hidden", "8", "--epochs", "5", "-o", temp.File("iris.json")).ExitCode);
        CliResult result = Run("export", temp.File("iris.json"), "-o", temp.File("iris.onnx"));
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("ONNX opset 13, 4-8-3", result.Output, StringComparison.Ordinal);

        CliResult asJson = Run("export", temp.File("iris.json"), "-o", temp.File("again.onnx"), "--json");
        using (JsonDocument json = JsonDocument.Parse(asJson.Output))
        {
            Assert.Equal(13, json.RootElement.GetProperty("opset").GetInt32());
            Assert.Equal(new FileInfo(temp.File("again.onnx")).Length, json.RootElement.GetProperty("bytes").GetInt64());
        }

        PrunedModel original = PrunedModel.Load(temp.File("iris.json"));
        PrunedModel back = ModelFiles.Load(temp.File("iris.onnx"));
        Assert.Equal(original.Labels, back.Labels);
        var a = new float[3];
        var b = new float[3];
        foreach (float[] row in new[] { new[] { 5.1f, 3.5f, 1.4f, 0.2f }, new[] { 6.7f, 3.0f, 5.2f, 2.3f } })
        {
            original.Predict(row, a);
            back.Predict(row, b);
            Assert.Equal(a, b);
        }

        // eval on the exported file tests on the rows the model was tested on (the split settings travel in the metadata).
        CliResult fromJson = Run("eval", "--model", temp.File("iris.json"), "--data", "iris", "--json");
        CliResult fromOnnx = Run("eval", "--model", temp.File("iris.onnx"), "--data", "iris", "--json");
        using JsonDocument j1 = JsonDocument.Parse(fromJson.Output);
        using JsonDocument j2 = JsonDocument.Parse(fromOnnx.Output);
        Assert.Equal(j1.RootElement.GetProperty("accuracy").GetDouble(), j2.RootElement.GetProperty("accuracy").GetDouble());
    }

    private static CliResult Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = PrunetCli.Run(args, output, error);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    private sealed record CliResult(int ExitCode, string Output, string Error);
}
