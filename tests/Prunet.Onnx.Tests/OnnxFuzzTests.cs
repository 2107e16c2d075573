using Google.Protobuf;
using Prunet.Onnx;
using Xunit.Abstractions;

namespace Prunet.Tests;

/// <summary>
/// Truncated and corrupted ONNX files (issue 8): the reader returns a model or throws
/// <see cref="OnnxFormatException"/> naming the file; never another exception, never a hang.
/// </summary>
public class OnnxFuzzTests
{
    private static readonly string[] Seeds =
    {
        "gemm_alpha_beta.onnx", "gemm_data_as_b.onnx", "gemm_trans_both.onnx", "matmul_add_typed.onnx", "constants_passthrough.onnx",
        "reshape_constant.onnx", "preprocessing_ops.onnx", "shape_gather_opset9.onnx", "fixed_batch.onnx", "flatten_tanh.onnx", "mpg_regression.onnx",
        "batchnorm_mlp.onnx", "unfolded_constants.onnx", "squeezed_regression.onnx",
    };

    private readonly ITestOutputHelper _log;

    public OnnxFuzzTests(ITestOutputHelper log) => _log = log;

    [Fact]
    public void Truncations_and_byte_flips_give_a_model_or_a_format_error()
    {
        var random = new Random(20261201);
        int inputs = 0, models = 0, errors = 0;
        var samples = Seeds.Select(s => (Name: s, Bytes: File.ReadAllBytes(Fixtures.Path(s)))).ToList();
        samples.Add(("exported.onnx", OnnxExporter.ToBytes(RandomModels.Create(11))));
        foreach ((string name, byte[] original) in samples)
        {
            // Every truncation of the small files, a spread of them for the larger ones.
            int step = Math.Max(1, original.Length / 150);
            for (int length = 0; length < original.Length; length += step)
            {
                Check(name, original.AsSpan(0, length).ToArray());
            }

            for (int k = 0; k < 250; k++)
            {
                byte[] mutated = (byte[])original.Clone();
                int flips = 1 + random.Next(4);
                for (int f = 0; f < flips; f++)
                {
                    int at = random.Next(mutated.Length);
                    mutated[at] = random.Next(3) switch
                    {
                        0 => (byte)(mutated[at] ^ (1 << random.Next(8))),
                        1 => (byte)random.Next(256),
                        _ => (byte)(random.Next(2) == 0 ? 0x00 : 0xFF),
                    };
                }

                Check(name, mutated);
            }
        }

        _log.WriteLine(inputs + " inputs: " + models + " models, " + errors + " format errors");
        Assert.True(inputs >= 3000, inputs + " inputs");
        Assert.True(models > 0 && errors > 0, models + " models, " + errors + " errors");

        void Check(string name, byte[] bytes)
        {
            inputs++;
            try
            {
                PrunedModel model = OnnxImporter.Read(bytes, name).Model;
                var output = new float[model.OutputSize];
                model.Predict(new float[model.InputSize], output);
                models++;
            }
            catch (OnnxFormatException e)
            {
                Assert.StartsWith(name + ": ", e.Message, StringComparison.Ordinal);
                Assert.DoesNotContain('\n', e.Message);
                errors++;
            }
        }
    }
}

/// <summary>
/// Graphs changed where the importer makes its decisions, not only where the protobuf breaks:
/// operators swapped, inputs rewired, attributes and dimensions set to odd values, nodes dropped.
/// Every result must be a model or an <see cref="OnnxFormatException"/>. PRUNET_FUZZ_SCALE=N runs N
/// times as many, with another seed (N = 20, 52,000 graphs, passed when this was written).
/// </summary>
public class OnnxGraphFuzzTests
{
    private static readonly string[] Operators =
    {
        "Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Softmax", "Flatten", "Reshape", "Transpose",
        "Identity", "Dropout", "Constant", "Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "BatchNormalization", "Conv",
    };

    private static readonly string[] Seeds =
    {
        "gemm_alpha_beta.onnx", "gemm_data_as_b.onnx", "gemm_trans_both.onnx", "matmul_add_typed.onnx", "constants_passthrough.onnx", "reshape_constant.onnx",
        "preprocessing_ops.onnx", "shape_gather_opset9.onnx", "fixed_batch.onnx", "mpg_regression.onnx", "batchnorm_mlp.onnx", "unfolded_constants.onnx", "squeezed_regression.onnx",
    };

    private static readonly int Scale = int.Parse(Environment.GetEnvironmentVariable("PRUNET_FUZZ_SCALE") ?? "1", System.Globalization.CultureInfo.InvariantCulture);

    private readonly ITestOutputHelper _log;

    public OnnxGraphFuzzTests(ITestOutputHelper log) => _log = log;

    [Fact]
    public void Changed_graphs_give_a_model_or_a_format_error()
    {
        var random = new Random(6 + Scale);
        int models = 0, errors = 0;
        foreach (string seed in Seeds)
        {
            ModelProto original = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Fixtures.Path(seed)));
            for (int k = 0; k < 200 * Scale; k++)
            {
                ModelProto model = original.Clone();
                for (int m = 1 + random.Next(3); m > 0; m--)
                {
                    Mutate(model.Graph, random);
                }

                try
                {
                    PrunedModel imported = OnnxImporter.Read(model.ToByteArray(), seed).Model;
                    imported.Predict(new float[imported.InputSize], new float[imported.OutputSize]);
                    models++;
                }
                catch (OnnxFormatException e)
                {
                    Assert.StartsWith(seed + ": ", e.Message, StringComparison.Ordinal);
                    errors++;
                }
            }
        }

        _log.WriteLine((models + errors) + " changed graphs: " + models + " models, " + errors + " format errors");
        Assert.True(models > 0 && errors > 0);
    }

    private static void Mutate(GraphProto graph, Random random)
    {
        if (graph.Node.Count == 0)
        {
            return;
        }

        NodeProto node = graph.Node[random.Next(graph.Node.Count)];
        var names = graph.Input.Select(i => i.Name).Concat(graph.Initializer.Select(i => i.Name)).Concat(graph.Node.SelectMany(n => n.Output)).ToList();
        switch (random.Next(9))
        {
            case 0:
                node.OpType = Operators[random.Next(Operators.Length)];
                break;
            case 1 when node.Input.Count > 0:
                node.Input[random.Next(node.Input.Count)] = names[random.Next(names.Count)];
                break;
            case 2 when node.Attribute.Count > 0:
                AttributeProto attribute = node.Attribute[random.Next(node.Attribute.Count)];
                attribute.I = random.Next(-3, 4);
                attribute.F = (float)(random.NextDouble() * 4 - 2);
                if (attribute.Ints.Count > 0)
                {
                    attribute.Ints[random.Next(attribute.Ints.Count)] = random.Next(-3, 4);
                }

                break;
            case 3:
                node.Attribute.Add(new AttributeProto { Name = random.Next(2) == 0 ? "axis" : "transB", Type = AttributeProto.Types.AttributeType.Int, I = random.Next(-2, 3) });
                break;
            case 4 when graph.Initializer.Count > 0:
                TensorProto tensor = graph.Initializer[random.Next(graph.Initializer.Count)];
                if (tensor.Dims.Count > 0)
                {
                    tensor.Dims[random.Next(tensor.Dims.Count)] = random.Next(-1, 6);
                }

                break;
            case 5:
                graph.Node.Remove(node);
                break;
            case 6 when graph.Input.Count > 0 && graph.Input[0].Type?.TensorType?.Shape is { } shape && shape.Dim.Count > 0:
                shape.Dim[random.Next(shape.Dim.Count)].DimValue = random.Next(0, 5);
                break;
            case 7 when graph.Initializer.Count > 0:
                TensorProto changed = graph.Initializer[random.Next(graph.Initializer.Count)];
                changed.DataType = random.Next(0, 17);
                break;
            default:
                node.Output[0] = names[random.Next(names.Count)];
                break;
        }
    }
}
