using Prunet.Onnx;

namespace Prunet.Tests;

/// <summary>Every unsupported or malformed ONNX file gives an error that names the file, the node and what is supported.</summary>
public class ImportErrorTests
{
    [Theory]
    [InlineData("conv.onnx", 0, "conv1", "Conv is not supported", "Gemm, MatMul")]
    [InlineData("int64_weights.onnx", 0, "fc", "holds INT64 values", "must be FLOAT")]
    [InlineData("double_weights.onnx", 0, "fc", "holds DOUBLE values", "must be FLOAT")]
    [InlineData("shape_mismatch.onnx", 0, "fc", "B \"w\" [3, 5] (transB=1: 5 inputs) does not fit the 4 features", "[N, 4]")]
    [InlineData("residual.onnx", 2, "skip", "Add of two values computed from the network's data", "chains of layers")]
    [InlineData("softmax_not_last.onnx", 1, "early_softmax", "Softmax on layer 0 is followed by more layers", "only on the last layer")]
    [InlineData("relu_first.onnx", 0, "input_relu", "Relu on the network's input, before any Gemm or MatMul layer", "layer outputs only")]
    [InlineData("batch_mixing.onnx", 0, "bad_view", "cannot reshape [N, 4] (4 values per sample) to [-1, 2]", "keep the batch dimension")]
    [InlineData("custom_domain.onnx", 0, "fused", "operator domain \"com.microsoft\" is not supported", "Gemm, MatMul")]
    public void Unsupported_graphs_name_the_node_and_what_is_supported(string file, int node, string nodeName, string reason, string hint)
    {
        var error = Assert.Throws<OnnxFormatException>(() => OnnxImporter.Import(Fixtures.Path(file)));
        Assert.Equal(node, error.NodeIndex);
        Assert.Equal(nodeName, error.NodeName);
        Assert.StartsWith(Fixtures.Path(file) + ": node " + node + " \"" + nodeName + "\" (", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains(hint, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("two_inputs.onnx", "the graph has 2 inputs (\"x\", \"x2\"); Prunet networks take one input tensor")]
    [InlineData("external_data.onnx", "initializer \"w\" keeps its values in an external file")]
    [InlineData("output_mismatch.onnx", "the graph output \"y\" is declared as [N, 4], 4 values per sample, but the layers compute 3")]
    [InlineData("truncated.onnx", "not a valid ONNX model: the protobuf is malformed or truncated")]
    public void Malformed_files_name_the_file_and_the_problem(string file, string reason)
    {
        var error = Assert.Throws<OnnxFormatException>(() => OnnxImporter.Import(Fixtures.Path(file)));
        Assert.Equal(Fixtures.Path(file) + ": " + error.Reason, error.Message);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_json_model_given_to_import_is_recognised()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("model.onnx"), "{\"format\": \"prunet-model\"}");
        var error = Assert.Throws<OnnxFormatException>(() => OnnxImporter.Import(temp.File("model.onnx")));
        Assert.Contains("not an ONNX model", error.Message, StringComparison.Ordinal);
        Assert.StartsWith(temp.File("model.onnx"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_and_non_onnx_bytes_are_format_errors()
    {
        Assert.Contains("the file is empty", Assert.Throws<OnnxFormatException>(() => OnnxImporter.Read(Array.Empty<byte>(), "e.onnx")).Message, StringComparison.Ordinal);

        // A valid protobuf that is not a model: an empty message has no ir_version.
        Assert.Contains("ir_version is missing", Assert.Throws<OnnxFormatException>(() => OnnxImporter.Read(new byte[] { 0x12, 0x00 }, "p.onnx")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Option_mistakes_are_named()
    {
        string path = Fixtures.Path("flatten_tanh.onnx");
        Assert.Contains("2 class labels were given, but the network has 3 outputs", Assert.Throws<OnnxFormatException>(() => OnnxImporter.Import(path, new OnnxImportOptions(Labels: new[] { "a", "b" }))).Message, StringComparison.Ordinal);
        Assert.Contains("the input scale has 2 values, but the network takes 48 input features", Assert.Throws<OnnxFormatException>(() => OnnxImporter.Import(path, new OnnxImportOptions(InputScale: new[] { 1f, 2f }))).Message, StringComparison.Ordinal);
        Assert.Contains("a classifier needs one output per class", Assert.Throws<OnnxFormatException>(() => OnnxImporter.Import(Fixtures.Path("mpg_regression.onnx"), new OnnxImportOptions(ModelTask.Classification))).Message, StringComparison.Ordinal);
    }
}
