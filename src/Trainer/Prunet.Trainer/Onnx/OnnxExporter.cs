using System.Buffers.Binary;
using System.Text.Json;
using Google.Protobuf;
using Prunet.Training;

namespace Prunet.Onnx;

/// <summary>
/// Writes a Prunet model as an ONNX model (opset 13) that ONNX Runtime and other tools run: the
/// preprocessing as <c>Sub</c> and <c>Mul</c> by constants, each layer as a <c>Gemm</c> with its
/// weights stored <c>[out, in]</c> as in PyTorch (<c>transB = 1</c>) and its activation node, a
/// regression's postprocessing as <c>Mul</c> and <c>Add</c>. What ONNX has no place for (task,
/// labels, feature names, block sizes, provenance) goes into <c>metadata_props</c>, so that importing
/// the file gives back the same model. Pruned weights are written as zeros: ONNX's Gemm has no
/// sparse form, and the zeros are what a later import reads back as pruned.
/// </summary>
public static class OnnxExporter
{
    /// <summary>The opset of the default domain the exported graph uses.</summary>
    public const int Opset = 13;

    /// <summary>The IR version written: 7, the one that goes with opset 13, so that runtimes from 2020 on read the file.</summary>
    public const long IrVersion = 7;

    /// <summary>The name of the graph's input, <c>[N, inputSize]</c> float32.</summary>
    public const string InputName = "input";

    /// <summary>The name of the graph's output, <c>[N, outputSize]</c> float32.</summary>
    public const string OutputName = "output";

    /// <summary>Writes the ONNX file atomically: a reader never sees half a file.</summary>
    public static void Save(PrunedModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        byte[] bytes = ToBytes(model);
        AtomicFile.Write(path, stream => stream.Write(bytes, 0, bytes.Length));
    }

    /// <summary>The ONNX model as bytes (a serialised ModelProto).</summary>
    public static byte[] ToBytes(PrunedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return ToProto(model).ToByteArray();
    }

    internal static ModelProto ToProto(PrunedModel model)
    {
        var graph = new GraphProto
        {
            Name = "prunet",
            DocString = "A " + string.Join("-", new[] { model.InputSize }.Concat(model.Layers.Select(l => l.OutputSize))) + " Prunet network, " + (model.Task == ModelTask.Classification ? "classifier" : "regression model") + ", exported by " + ModelTrainer.Producer,
        };
        graph.Input.Add(TensorValue(InputName, model.InputSize));
        graph.Output.Add(TensorValue(OutputName, model.OutputSize));

        string current = InputName;
        if (model.Preprocessing is { } preprocessing)
        {
            // (x - shift) * scale, in the interpreter's order, so the float results are the same;
            // a shift of 0 or a scale of 1 for every feature changes nothing and is left out.
            if (preprocessing.Shift.ToArray().Any(v => v != 0))
            {
                current = Elementwise(graph, "Sub", current, "preprocessing.shift", preprocessing.Shift, "preprocessing/shift", "preprocessing.shifted");
            }

            if (preprocessing.Scale.ToArray().Any(v => v != 1))
            {
                current = Elementwise(graph, "Mul", current, "preprocessing.scale", preprocessing.Scale, "preprocessing/scale", "preprocessing.output");
            }
        }

        for (int k = 0; k < model.Layers.Count; k++)
        {
            DenseLayer layer = model.Layers[k];
            string weights = "layer" + k + ".weight";
            string bias = "layer" + k + ".bias";
            graph.Initializer.Add(FloatTensor(weights, new long[] { layer.OutputSize, layer.InputSize }, layer.Weights));
            graph.Initializer.Add(FloatTensor(bias, new long[] { layer.OutputSize }, layer.Bias));
            var gemm = Node("Gemm", "layer" + k + "/gemm", new[] { current, weights, bias }, "layer" + k + ".linear");
            gemm.Attribute.Add(new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
            graph.Node.Add(gemm);
            current = gemm.Output[0];
            if (layer.Activation != Activation.Linear)
            {
                NodeProto activation = Node(OperatorOf(layer.Activation), "layer" + k + "/" + ActivationNames.ToName(layer.Activation), new[] { current }, "layer" + k + ".output");
                if (layer.Activation == Activation.LeakyRelu)
                {
                    activation.Attribute.Add(new AttributeProto { Name = "alpha", Type = AttributeProto.Types.AttributeType.Float, F = layer.Alpha });
                }
                else if (layer.Activation == Activation.Softmax)
                {
                    activation.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
                }

                graph.Node.Add(activation);
                current = activation.Output[0];
            }
        }

        if (model.Postprocessing is { } postprocessing)
        {
            // y * scale + shift, in the interpreter's order.
            if (postprocessing.Scale.ToArray().Any(v => v != 1))
            {
                current = Elementwise(graph, "Mul", current, "postprocessing.scale", postprocessing.Scale, "postprocessing/scale", "postprocessing.scaled");
            }

            if (postprocessing.Shift.ToArray().Any(v => v != 0))
            {
                current = Elementwise(graph, "Add", current, "postprocessing.shift", postprocessing.Shift, "postprocessing/shift", "postprocessing.output");
            }
        }

        // The last node writes the graph's output (nothing reads it inside the graph).
        graph.Node[^1].Output[0] = OutputName;

        var result = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "prunet",
            ProducerVersion = ModelTrainer.Producer.Substring("prunet ".Length),
            DocString = graph.DocString,
            Graph = graph,
        };
        result.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = Opset });
        AddMetadata(result, model);
        return result;
    }

    private static void AddMetadata(ModelProto result, PrunedModel model)
    {
        void Add(string key, string value) => result.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });

        Add(OnnxMetadata.Task, model.Task == ModelTask.Classification ? "classification" : "regression");
        if (model.Labels != null)
        {
            Add(OnnxMetadata.Labels, JsonSerializer.Serialize(model.Labels));
        }

        if (model.InputNames != null)
        {
            Add(OnnxMetadata.InputNames, JsonSerializer.Serialize(model.InputNames));
        }

        if (model.Layers.Any(l => l.BlockSize != 1))
        {
            Add(OnnxMetadata.BlockSizes, JsonSerializer.Serialize(model.Layers.Select(l => l.BlockSize)));
        }

        if (model.Provenance.Count > 0)
        {
            // The model writer's own text of the provenance, so that numbers keep their shortest form.
            using JsonDocument document = JsonDocument.Parse(model.ToJson());
            if (document.RootElement.TryGetProperty("provenance", out JsonElement provenance))
            {
                Add(OnnxMetadata.Provenance, JsonSerializer.Serialize(provenance));
            }
        }
    }

    private static string Elementwise(GraphProto graph, string op, string input, string constant, ReadOnlySpan<float> values, string nodeName, string output)
    {
        graph.Initializer.Add(FloatTensor(constant, new long[] { values.Length }, values));
        NodeProto node = Node(op, nodeName, new[] { input, constant }, output);
        graph.Node.Add(node);
        return node.Output[0];
    }

    private static NodeProto Node(string op, string name, string[] inputs, string output)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }

    private static string OperatorOf(Activation activation) => activation switch
    {
        Activation.Relu => "Relu",
        Activation.LeakyRelu => "LeakyRelu",
        Activation.Sigmoid => "Sigmoid",
        Activation.Tanh => "Tanh",
        Activation.Softmax => "Softmax",
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "no ONNX operator for this activation"),
    };

    // Little-endian raw_data: the compact form every ONNX reader accepts.
    private static TensorProto FloatTensor(string name, long[] dims, ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * 4];
        for (int k = 0; k < values.Length; k++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * k, 4), values[k]);
        }

        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    private static ValueInfoProto TensorValue(string name, int size)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = size });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
