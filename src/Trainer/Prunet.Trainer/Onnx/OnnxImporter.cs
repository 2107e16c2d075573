using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Prunet.Training;

namespace Prunet.Onnx;

/// <summary>A model imported from ONNX, with what the import did in words (what was folded where, the task chosen).</summary>
/// <param name="Model">The model.</param>
/// <param name="Notes">One line per decision the graph did not state outright, for the user to check.</param>
public sealed record OnnxImport(PrunedModel Model, IReadOnlyList<string> Notes);

/// <summary>
/// Reads ONNX files of fully connected networks, as PyTorch and Keras (tf2onnx) export them, into
/// Prunet models: each <c>Gemm</c>, or <c>MatMul</c> with its <c>Add</c>, and the activation after it
/// become a dense layer; element-wise arithmetic by constants before the first layer (<c>x / 255</c>)
/// becomes the preprocessing, after the last one of a regression network its postprocessing;
/// flattening of image-shaped inputs, <c>Identity</c> and inference-mode <c>Dropout</c> compute
/// nothing a dense layer needs. Zeros in the weights are kept, so a network pruned elsewhere arrives
/// pruned. Anything else is an <see cref="OnnxFormatException"/> naming the node.
/// </summary>
public static class OnnxImporter
{
    /// <summary>Imports the ONNX file at <paramref name="path"/>.</summary>
    /// <exception cref="OnnxFormatException">The file is not a valid ONNX model, or not a network Prunet can represent; the message names the file and node.</exception>
    public static PrunedModel Import(string path, OnnxImportOptions? options = null) => Read(path, options).Model;

    /// <summary>Imports the ONNX file at <paramref name="path"/>, with notes on what the import decided.</summary>
    /// <exception cref="OnnxFormatException">The file is not a valid ONNX model, or not a network Prunet can represent.</exception>
    public static OnnxImport Read(string path, OnnxImportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Read(File.ReadAllBytes(path), path, options);
    }

    /// <summary>Imports an ONNX model from its bytes; <paramref name="sourceName"/> is the file name errors give.</summary>
    /// <exception cref="OnnxFormatException">The bytes are not a valid ONNX model, or not a network Prunet can represent.</exception>
    public static OnnxImport Read(byte[] bytes, string? sourceName, OnnxImportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        options ??= OnnxImportOptions.Default;
        ModelProto model = Parse(bytes, sourceName);
        if (model.IrVersion <= 0)
        {
            throw new OnnxFormatException(sourceName, "ir_version is missing: this is not an ONNX model (every ONNX file states its IR version)");
        }

        if (model.Graph == null)
        {
            throw new OnnxFormatException(sourceName, "the model has no graph");
        }

        long opset = model.OpsetImport.Where(o => o.Domain.Length == 0 || o.Domain == "ai.onnx").Select(o => o.Version).FirstOrDefault();
        if (opset <= 0)
        {
            throw new OnnxFormatException(sourceName, "the model imports no version of the default operator set (opset_import for ai.onnx)");
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (StringStringEntryProto entry in model.MetadataProps)
        {
            metadata.TryAdd(entry.Key, entry.Value);
        }

        (NetworkFlow flow, NetworkTracer tracer) = NetworkTracer.Trace(model.Graph, sourceName, opset);
        var builder = new ModelBuilder(model, bytes, sourceName, opset, options, metadata, tracer);
        return builder.Build(flow);
    }

    /// <summary>Parses the protobuf; a malformed one is an <see cref="OnnxFormatException"/> naming the file.</summary>
    internal static ModelProto Parse(byte[] bytes, string? sourceName)
    {
        if (bytes.Length == 0)
        {
            throw new OnnxFormatException(sourceName, "the file is empty; an ONNX model (binary protobuf) was expected");
        }

        if (bytes[0] == (byte)'{' || (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF))
        {
            throw new OnnxFormatException(sourceName, "this is a text file (JSON?), not an ONNX model (binary protobuf); a Prunet model file is read as it is, without import");
        }

        try
        {
            return ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxFormatException(sourceName, "not a valid ONNX model: the protobuf is malformed or truncated (" + e.Message.TrimEnd('.') + ")", innerException: e);
        }
        catch (DecoderFallbackException e)
        {
            throw new OnnxFormatException(sourceName, "not a valid ONNX model: a text field is not valid UTF-8", innerException: e);
        }
    }

    /// <summary>Turns the traced flow into a model: task, layers, pre- and postprocessing, names, provenance.</summary>
    private sealed class ModelBuilder
    {
        private readonly ModelProto _model;
        private readonly byte[] _bytes;
        private readonly string? _source;
        private readonly long _opset;
        private readonly OnnxImportOptions _options;
        private readonly Dictionary<string, string> _metadata;
        private readonly NetworkTracer _tracer;
        private readonly List<string> _notes = new();

        public ModelBuilder(ModelProto model, byte[] bytes, string? source, long opset, OnnxImportOptions options, Dictionary<string, string> metadata, NetworkTracer tracer)
        {
            _model = model;
            _bytes = bytes;
            _source = source;
            _opset = opset;
            _options = options;
            _metadata = metadata;
            _tracer = tracer;
        }

        public OnnxImport Build(NetworkFlow flow)
        {
            int outputs = flow.Pending?.OutputSize ?? flow.Layers[^1].OutputSize;
            ModelTask task = ChooseTask(outputs);
            OutputPostprocessing? postprocessing = null;
            if (flow.TrailA != null && task == ModelTask.Regression)
            {
                postprocessing = new OutputPostprocessing(flow.TrailA.Select(v => (float)v).ToArray(), flow.TrailB!.Select(v => (float)v).ToArray());
                _notes.Add("postprocessing: the element-wise arithmetic after the last layer (from " + NodeName(flow.TrailNode) + ") is the output scaling");
                flow.TrailA = null;
                flow.TrailB = null;
            }

            if (flow.Pending != null)
            {
                flow.ClosePending(Activation.Linear, 0f, -1);
            }
            else if (flow.TrailA != null)
            {
                throw _tracer.Error("scales or shifts the outputs of a classifier after its last activation; Prunet represents output scaling for regression models only (import with task regression, or remove it)", flow.TrailNode);
            }

            List<LayerDraft> drafts = flow.Layers;
            for (int k = 0; k < drafts.Count - 1; k++)
            {
                if (drafts[k].Activation == Activation.Softmax)
                {
                    throw _tracer.Error("Softmax on layer " + k + " is followed by more layers; Prunet allows softmax only on the last layer", drafts[k].ActivationNode);
                }
            }

            InputPreprocessing? preprocessing = Preprocessing(flow, drafts[0]);
            int[] blockSizes = JsonInts(OnnxMetadata.BlockSizes) ?? Enumerable.Repeat(1, drafts.Count).ToArray();
            if (blockSizes.Length != drafts.Count)
            {
                throw Metadata(OnnxMetadata.BlockSizes, "has " + blockSizes.Length + " entries for " + drafts.Count + " layers");
            }

            var layers = new DenseLayer[drafts.Count];
            for (int k = 0; k < drafts.Count; k++)
            {
                LayerDraft draft = drafts[k];
                try
                {
                    layers[k] = new DenseLayer(draft.InputSize, draft.OutputSize, draft.Activation, draft.Weights.Select(w => (float)w).ToArray(), draft.Bias.Select(b => (float)b).ToArray(), draft.Activation == Activation.LeakyRelu ? draft.Alpha : 0f, blockSizes[k]);
                }
                catch (PrunedModelFormatException e)
                {
                    throw _tracer.Error("layer " + k + ": " + e.Message, draft.Node);
                }
            }

            IReadOnlyList<string>? labels = task == ModelTask.Classification ? _options.Labels ?? JsonStrings(OnnxMetadata.Labels) : null;
            if (_options.Labels != null && task != ModelTask.Classification)
            {
                throw new OnnxFormatException(_source, "class labels were given, but the network is imported as a regression model");
            }

            if (labels != null && labels.Count != outputs)
            {
                throw _options.Labels != null
                    ? new OnnxFormatException(_source, labels.Count + " class labels were given, but the network has " + outputs + " outputs: give one label per output, in output order")
                    : Metadata(OnnxMetadata.Labels, "has " + labels.Count + " labels for " + outputs + " outputs");
            }

            IReadOnlyList<string>? inputNames = JsonStrings(OnnxMetadata.InputNames);
            if (inputNames != null && inputNames.Count != layers[0].InputSize)
            {
                throw Metadata(OnnxMetadata.InputNames, "has " + inputNames.Count + " names for " + layers[0].InputSize + " input features");
            }

            if (_tracer.FixedBatchNode >= 0)
            {
                _notes.Add("the graph was exported for a fixed batch; the reshape in " + NodeName(_tracer.FixedBatchNode) + " is read as keeping the batch, so the model takes one sample at a time like any other");
            }

            var passed = _tracer.PassThroughNodes.Select(n => _model.Graph.Node[n].OpType).Where(op => op is "Dropout" or "Identity").ToList();
            if (passed.Count > 0)
            {
                _notes.Add("passed through (nothing to compute at inference): " + string.Join(", ", passed.GroupBy(op => op).Select(g => g.Count() + " " + g.Key)));
            }

            long zeros = layers.Sum(l => (long)(l.WeightCount - l.NonzeroCount));
            if (zeros > 0)
            {
                long weights = layers.Sum(l => (long)l.WeightCount);
                _notes.Add(string.Format(CultureInfo.InvariantCulture, "{0:N0} of {1:N0} weights are zero ({2:0.0}%) and are kept as pruned weights", zeros, weights, 100.0 * zeros / weights));
            }

            try
            {
                return new OnnxImport(new PrunedModel(task, layers, preprocessing, postprocessing, inputNames, labels, Provenance()), _notes);
            }
            catch (PrunedModelFormatException e)
            {
                throw new OnnxFormatException(_source, "the imported network is not a valid Prunet model: " + e.Message, innerException: e);
            }
        }

        private ModelTask ChooseTask(int outputs)
        {
            ModelTask task;
            if (_options.Task is ModelTask given)
            {
                task = given;
            }
            else if (_metadata.TryGetValue(OnnxMetadata.Task, out string? recorded))
            {
                task = recorded switch
                {
                    "classification" => ModelTask.Classification,
                    "regression" => ModelTask.Regression,
                    _ => throw Metadata(OnnxMetadata.Task, "is \"" + recorded + "\"; expected classification or regression"),
                };
                _notes.Add("task: " + recorded + ", as recorded by the Prunet export");
            }
            else
            {
                task = outputs > 1 ? ModelTask.Classification : ModelTask.Regression;
                _notes.Add(outputs > 1
                    ? "task: classification (" + outputs + " outputs, one per class; class k is output k unless labels are given); choose regression to override"
                    : "task: regression (one output)");
            }

            if (task == ModelTask.Classification && outputs < 2)
            {
                throw new OnnxFormatException(_source, "the network has " + outputs + " output; a classifier needs one output per class, at least 2 (import it as a regression model)");
            }

            return task;
        }

        // The graph's own arithmetic before the first layer, after the declared one: x ↦ a (k (x - s)) + b.
        private InputPreprocessing? Preprocessing(NetworkFlow flow, LayerDraft first)
        {
            int features = flow.InputA.Length;
            double[] scale = Expand(_options.InputScale, features, "input scale", 1.0);
            double[] shift = Expand(_options.InputShift, features, "input shift", 0.0);
            if (_options.InputScale != null || _options.InputShift != null)
            {
                _notes.Add("preprocessing: the declared input shift and scale are applied before the graph's own arithmetic");
            }

            if (flow.InputNodes.Count > 0)
            {
                _notes.Add("preprocessing: folded from " + string.Join(", ", flow.InputNodes.Select(NodeName)));
            }

            var a = new double[features];
            var b = new double[features];
            bool identity = true;
            bool constantFeatures = false;
            for (int i = 0; i < features; i++)
            {
                a[i] = flow.InputA[i] * scale[i];
                b[i] = flow.InputB[i] - (a[i] * shift[i]);
                identity &= a[i] == 1 && b[i] == 0;
                constantFeatures |= a[i] == 0 && b[i] != 0;
            }

            if (identity)
            {
                return null;
            }

            var shiftOut = new float[features];
            var scaleOut = new float[features];
            double[]? constants = constantFeatures ? new double[features] : null;
            for (int i = 0; i < features; i++)
            {
                scaleOut[i] = (float)a[i];
                if (a[i] != 0)
                {
                    // a x + b = (x - shift) * scale with shift = -b / a (+ 0.0 turns -0 into 0).
                    shiftOut[i] = (float)((-b[i] / a[i]) + 0.0);
                }
                else if (constants != null)
                {
                    // A feature multiplied by zero is the constant b: part of the first layer's bias.
                    constants[i] = b[i];
                }
            }

            if (constants != null)
            {
                first.ScaleInputs(Enumerable.Repeat(1.0, features).ToArray(), constants);
                _notes.Add("preprocessing: features multiplied by zero are constants, folded into the first layer's biases");
            }

            try
            {
                return new InputPreprocessing(shiftOut, scaleOut);
            }
            catch (PrunedModelFormatException e)
            {
                throw new OnnxFormatException(_source, "the input preprocessing is not finite: " + e.Message, innerException: e);
            }
        }

        private double[] Expand(IReadOnlyList<float>? values, int features, string what, double fallback)
        {
            if (values == null)
            {
                return Enumerable.Repeat(fallback, features).ToArray();
            }

            if (values.Count != 1 && values.Count != features)
            {
                throw new OnnxFormatException(_source, "the " + what + " has " + values.Count + " values, but the network takes " + features + " input features: give one value for all, or one per feature");
            }

            if (values.Any(v => !float.IsFinite(v)) || (what == "input scale" && values.Any(v => v == 0)))
            {
                throw new OnnxFormatException(_source, "the " + what + " must be finite" + (what == "input scale" ? " and not zero" : string.Empty));
            }

            return Enumerable.Range(0, features).Select(i => (double)values[values.Count == 1 ? 0 : i]).ToArray();
        }

        private Dictionary<string, object?> Provenance()
        {
            Dictionary<string, object?> provenance = _metadata.TryGetValue(OnnxMetadata.Provenance, out string? recorded)
                ? ParseObject(recorded)
                : new Dictionary<string, object?>();
            provenance["producer"] = ModelTrainer.Producer;
            string producer = (_model.ProducerName + " " + _model.ProducerVersion).Trim();
            provenance["imported"] = new Dictionary<string, object?>
            {
                ["format"] = "onnx",
                ["file"] = _source == null ? null : Path.GetFileName(_source),
                ["sha256"] = Convert.ToHexString(SHA256.HashData(_bytes)).ToLowerInvariant(),
                ["producer"] = producer.Length > 0 ? producer : null,
                ["irVersion"] = _model.IrVersion,
                ["opset"] = _opset,
                ["graph"] = _model.Graph.Name.Length > 0 ? _model.Graph.Name : null,
                ["inputScale"] = _options.InputScale?.Select(v => (object?)v).ToList(),
                ["inputShift"] = _options.InputShift?.Select(v => (object?)v).ToList(),
            };
            return provenance;
        }

        private Dictionary<string, object?> ParseObject(string json)
        {
            try
            {
                using JsonDocument document = JsonDocument.Parse(json);
                return document.RootElement.ValueKind == JsonValueKind.Object
                    ? (Dictionary<string, object?>)ToTree(document.RootElement)!
                    : throw Metadata(OnnxMetadata.Provenance, "is not a JSON object");
            }
            catch (JsonException e)
            {
                throw Metadata(OnnxMetadata.Provenance, "is not valid JSON (" + e.Message + ")");
            }
        }

        private static object? ToTree(JsonElement element) => element.ValueKind switch
        {
            JsonValueKind.Object => element.EnumerateObject().Aggregate(new Dictionary<string, object?>(StringComparer.Ordinal), (d, p) =>
            {
                d[p.Name] = ToTree(p.Value);
                return d;
            }),
            JsonValueKind.Array => element.EnumerateArray().Select(ToTree).ToList(),
            JsonValueKind.String => element.GetString(),
            JsonValueKind.Number => element.GetDouble(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        };

        private string[]? JsonStrings(string key)
        {
            if (!_metadata.TryGetValue(key, out string? json))
            {
                return null;
            }

            try
            {
                return JsonSerializer.Deserialize<string[]>(json) ?? throw Metadata(key, "is null; expected a JSON array of strings");
            }
            catch (JsonException)
            {
                throw Metadata(key, "is not a JSON array of strings");
            }
        }

        private int[]? JsonInts(string key)
        {
            if (!_metadata.TryGetValue(key, out string? json))
            {
                return null;
            }

            try
            {
                return JsonSerializer.Deserialize<int[]>(json) ?? throw Metadata(key, "is null; expected a JSON array of integers");
            }
            catch (JsonException)
            {
                throw Metadata(key, "is not a JSON array of integers");
            }
        }

        private OnnxFormatException Metadata(string key, string reason)
            => new(_source, "metadata \"" + key + "\" (written by a Prunet export) " + reason);

        private string NodeName(int index)
        {
            NodeProto node = _model.Graph.Node[index];
            return OnnxFormatException.DescribeNode(index, node.Name, node.OpType);
        }
    }
}
