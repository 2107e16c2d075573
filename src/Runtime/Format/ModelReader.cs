using System;
using System.Collections.Generic;
using System.Globalization;
using Prunet.Format.Json;

namespace Prunet.Format;

/// <summary>
/// Reads a model document (docs/model-format.md) into a <see cref="PrunedModel"/>. The one reader
/// of the format: the runtime, the trainer and the source generator all use it. Every error is a
/// <see cref="PrunedModelFormatException"/> with the JSON path, line and column of the offending value.
/// </summary>
internal static class ModelReader
{
    private static readonly string[] ModelFields = { "format", "version", "task", "inputSize", "inputNames", "labels", "preprocessing", "postprocessing", "layers", "provenance" };
    private static readonly string[] LayerFields = { "type", "in", "out", "activation", "alpha", "blockSize", "bias", "weights" };
    private static readonly string[] DenseWeightFields = { "encoding", "values" };
    private static readonly string[] SparseWeightFields = { "encoding", "rows" };
    private static readonly string[] SparseRowFields = { "indices", "values" };
    private static readonly string[] PreprocessingFields = { "shift", "scale" };
    private static readonly string[] PostprocessingFields = { "scale", "shift" };

    public static PrunedModel Read(string json, string? sourceName)
    {
        if (json == null)
        {
            throw new ArgumentNullException(nameof(json));
        }

        JsonNode root = JsonParser.Parse(json, sourceName);
        Expect(root, JsonKind.Object, "the model document must be a JSON object");

        // Format and version first: a newer document should say so, not fail on its new fields.
        string format = ReadString(Required(root, "format"));
        if (format != PrunedModel.FormatName)
        {
            throw Error(root["format"]!, "expected \"" + PrunedModel.FormatName + "\", found \"" + format + "\": this is not a Prunet model");
        }

        JsonNode versionNode = Required(root, "version");
        int version = ReadInt(versionNode, 0, int.MaxValue);
        if (version != PrunedModel.FormatVersion)
        {
            throw Error(versionNode, "unsupported format version " + version + ": this reader supports version " + PrunedModel.FormatVersion);
        }

        CheckFields(root, ModelFields);
        ModelTask task = ReadTask(Required(root, "task"));
        JsonNode inputSizeNode = Required(root, "inputSize");
        int inputSize = ReadInt(inputSizeNode, 1, int.MaxValue);
        JsonNode layersNode = Required(root, "layers");
        Expect(layersNode, JsonKind.Array, "expected an array of layers");

        var layers = new List<DenseLayer>(layersNode.Items!.Count);
        foreach (JsonNode layerNode in layersNode.Items)
        {
            layers.Add(ReadLayer(layerNode));
        }

        if (layers.Count > 0 && layers[0].InputSize != inputSize)
        {
            throw Error(inputSizeNode, "inputSize is " + inputSize + " but the first layer takes " + layers[0].InputSize + " inputs");
        }

        InputPreprocessing? preprocessing = null;
        if (Optional(root, "preprocessing") is JsonNode pre)
        {
            Expect(pre, JsonKind.Object, "expected an object with \"shift\" and \"scale\"");
            CheckFields(pre, PreprocessingFields);
            preprocessing = Construct(root, pre.Path, () => new InputPreprocessing(ReadFloats(Required(pre, "shift")), ReadFloats(Required(pre, "scale"))));
        }

        OutputPostprocessing? postprocessing = null;
        if (Optional(root, "postprocessing") is JsonNode post)
        {
            Expect(post, JsonKind.Object, "expected an object with \"scale\" and \"shift\"");
            CheckFields(post, PostprocessingFields);
            postprocessing = Construct(root, post.Path, () => new OutputPostprocessing(ReadFloats(Required(post, "scale")), ReadFloats(Required(post, "shift"))));
        }

        string[]? inputNames = Optional(root, "inputNames") is JsonNode names ? ReadStrings(names) : null;
        string[]? labels = Optional(root, "labels") is JsonNode labelNode ? ReadStrings(labelNode) : null;
        IReadOnlyDictionary<string, object?>? provenance = null;
        if (Optional(root, "provenance") is JsonNode provenanceNode)
        {
            Expect(provenanceNode, JsonKind.Object, "expected an object");
            provenance = (IReadOnlyDictionary<string, object?>)ReadProvenanceValue(provenanceNode)!;
        }

        return Construct(root, "$", () => new PrunedModel(task, layers, preprocessing, postprocessing, inputNames, labels, provenance));
    }

    private static DenseLayer ReadLayer(JsonNode node)
    {
        Expect(node, JsonKind.Object, "expected a layer object");
        string type = ReadString(Required(node, "type"));
        if (type != "dense")
        {
            throw Error(node["type"]!, "unsupported layer type \"" + type + "\": format version 1 has only \"dense\" layers");
        }

        CheckFields(node, LayerFields);
        int inputs = ReadInt(Required(node, "in"), 1, int.MaxValue);
        JsonNode outNode = Required(node, "out");
        int outputs = ReadInt(outNode, 1, int.MaxValue);
        if ((long)inputs * outputs > DenseLayer.MaxWeights)
        {
            throw Error(outNode, "the layer would have " + ((long)inputs * outputs) + " weights (in " + inputs + " × out " + outputs + "), more than the " + DenseLayer.MaxWeights + " the format allows");
        }

        JsonNode activationNode = Required(node, "activation");
        string activationName = ReadString(activationNode);
        if (!ActivationNames.TryParse(activationName, out Activation activation))
        {
            throw Error(activationNode, "unknown activation \"" + activationName + "\": expected one of " + string.Join(", ", ActivationNames.All));
        }

        float alpha = 0f;
        JsonNode? alphaNode = Optional(node, "alpha");
        if (activation == Activation.LeakyRelu)
        {
            alpha = ReadFloat(alphaNode ?? throw Error(node, "leaky_relu needs \"alpha\", the slope for negative inputs"));
        }
        else if (alphaNode != null)
        {
            throw Error(alphaNode, "\"alpha\" only applies to leaky_relu, not to " + activationName);
        }

        int blockSize = Optional(node, "blockSize") is JsonNode blockNode ? ReadInt(blockNode, 1, outputs) : 1;
        float[] bias = ReadFloats(Required(node, "bias"));
        float[] weights = ReadWeights(Required(node, "weights"), inputs, outputs);
        return Construct(node, node.Path, () => new DenseLayer(inputs, outputs, activation, weights, bias, alpha, blockSize));
    }

    /// <summary>Decodes either encoding into row-major dense weights.</summary>
    private static float[] ReadWeights(JsonNode node, int inputs, int outputs)
    {
        Expect(node, JsonKind.Object, "expected an object with \"encoding\" (\"dense\" or \"sparse\")");
        JsonNode encodingNode = Required(node, "encoding");
        string encoding = ReadString(encodingNode);
        if (encoding == "dense")
        {
            CheckFields(node, DenseWeightFields);
            JsonNode values = Required(node, "values");
            Expect(values, JsonKind.Array, "expected an array of out × in weights, row by row");
            if (values.Items!.Count != inputs * outputs)
            {
                throw Error(values, "expected " + (inputs * outputs) + " weights (out " + outputs + " × in " + inputs + "), found " + values.Items.Count);
            }

            return ReadFloats(values);
        }

        if (encoding != "sparse")
        {
            throw Error(encodingNode, "unknown weight encoding \"" + encoding + "\": expected \"dense\" or \"sparse\"");
        }

        CheckFields(node, SparseWeightFields);
        JsonNode rows = Required(node, "rows");
        Expect(rows, JsonKind.Array, "expected an array with one entry per output neuron");
        if (rows.Items!.Count != outputs)
        {
            throw Error(rows, "expected " + outputs + " rows (one per output neuron), found " + rows.Items.Count);
        }

        var weights = new float[inputs * outputs];
        var seen = new bool[inputs];
        for (int j = 0; j < outputs; j++)
        {
            JsonNode row = rows.Items[j];
            Expect(row, JsonKind.Object, "expected an object with \"indices\" and \"values\"");
            CheckFields(row, SparseRowFields);
            JsonNode indicesNode = Required(row, "indices");
            JsonNode valuesNode = Required(row, "values");
            Expect(indicesNode, JsonKind.Array, "expected an array of input indices");
            Expect(valuesNode, JsonKind.Array, "expected an array of weights");
            if (indicesNode.Items!.Count != valuesNode.Items!.Count)
            {
                throw Error(valuesNode, "expected " + indicesNode.Items.Count + " values (one per index), found " + valuesNode.Items.Count);
            }

            Array.Clear(seen, 0, seen.Length);
            for (int n = 0; n < indicesNode.Items.Count; n++)
            {
                JsonNode indexNode = indicesNode.Items[n];
                int i = ReadInt(indexNode, int.MinValue, int.MaxValue);
                if (i < 0 || i >= inputs)
                {
                    throw Error(indexNode, "input index " + i + " is out of range: the layer has " + inputs + " inputs (0 to " + (inputs - 1) + ")");
                }

                if (seen[i])
                {
                    throw Error(indexNode, "input index " + i + " appears twice in this row");
                }

                seen[i] = true;
                weights[(j * inputs) + i] = ReadFloat(valuesNode.Items[n]);
            }
        }

        return weights;
    }

    private static ModelTask ReadTask(JsonNode node)
    {
        switch (ReadString(node))
        {
            case "classification":
                return ModelTask.Classification;
            case "regression":
                return ModelTask.Regression;
            default:
                throw Error(node, "unknown task \"" + node.Text + "\": expected \"classification\" or \"regression\"");
        }
    }

    private static object? ReadProvenanceValue(JsonNode node)
    {
        switch (node.Kind)
        {
            case JsonKind.Object:
                var dictionary = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (JsonProperty property in node.Properties!)
                {
                    dictionary.Add(property.Name, ReadProvenanceValue(property.Value));
                }

                return dictionary;
            case JsonKind.Array:
                var list = new List<object?>(node.Items!.Count);
                foreach (JsonNode item in node.Items)
                {
                    list.Add(ReadProvenanceValue(item));
                }

                return list;
            case JsonKind.String:
                return node.Text;
            case JsonKind.Number:
                return ReadDouble(node);
            case JsonKind.True:
                return true;
            case JsonKind.False:
                return false;
            default:
                return null;
        }
    }

    private static JsonNode Required(JsonNode obj, string name)
        => obj[name] ?? throw Error(obj, "missing required field \"" + name + "\"");

    private static JsonNode? Optional(JsonNode obj, string name)
    {
        JsonNode? node = obj[name];
        return node == null || node.Kind == JsonKind.Null ? null : node;
    }

    private static void CheckFields(JsonNode obj, string[] allowed)
    {
        foreach (JsonProperty property in obj.Properties!)
        {
            if (Array.IndexOf(allowed, property.Name) < 0)
            {
                throw Error(property.NameToken, "unknown field \"" + property.Name + "\": expected " + string.Join(", ", allowed));
            }
        }
    }

    private static void Expect(JsonNode node, JsonKind kind, string message)
    {
        if (node.Kind != kind)
        {
            throw Error(node, message + ", found " + Describe(node));
        }
    }

    private static string ReadString(JsonNode node)
    {
        Expect(node, JsonKind.String, "expected a string");
        return node.Text!;
    }

    private static string[] ReadStrings(JsonNode node)
    {
        Expect(node, JsonKind.Array, "expected an array of strings");
        var values = new string[node.Items!.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = ReadString(node.Items[i]);
        }

        return values;
    }

    private static int ReadInt(JsonNode node, int min, int max)
    {
        Expect(node, JsonKind.Number, "expected an integer");
        string text = node.Text!;
        bool integral = text.IndexOf('.') < 0 && text.IndexOf('e') < 0 && text.IndexOf('E') < 0;
        if (!integral)
        {
            throw Error(node, "expected an integer, found " + text);
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) || value < min || value > max)
        {
            throw Error(node, max == int.MaxValue ? "expected an integer of at least " + min + ", found " + text : "expected an integer from " + min + " to " + max + ", found " + text);
        }

        return (int)value;
    }

    private static float ReadFloat(JsonNode node)
    {
        Expect(node, JsonKind.Number, "expected a number");
        float value;
        try
        {
            value = float.Parse(node.Text!, NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        catch (OverflowException)
        {
            // .NET Framework throws here where .NET returns infinity: both are the same error.
            value = float.PositiveInfinity;
        }

        if (float.IsInfinity(value) || float.IsNaN(value))
        {
            throw Error(node, node.Text + " is outside the range of a 32-bit float (about ±3.4e38)");
        }

        return value;
    }

    private static double ReadDouble(JsonNode node)
    {
        double value;
        try
        {
            value = double.Parse(node.Text!, NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        catch (OverflowException)
        {
            value = double.PositiveInfinity;
        }

        if (double.IsInfinity(value) || double.IsNaN(value))
        {
            throw Error(node, node.Text + " is outside the range of a 64-bit float");
        }

        return value;
    }

    private static float[] ReadFloats(JsonNode node)
    {
        Expect(node, JsonKind.Array, "expected an array of numbers");
        var values = new float[node.Items!.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = ReadFloat(node.Items[i]);
        }

        return values;
    }

    /// <summary>
    /// Runs a constructor of the model objects, which check the format's rules by JSON path, and
    /// turns the path of a broken rule back into a position in the text.
    /// </summary>
    private static T Construct<T>(JsonNode scope, string scopePath, Func<T> create)
    {
        try
        {
            return create();
        }
        catch (PrunedModelFormatException e) when (e.Offset < 0)
        {
            PrunedModelFormatException full = e.JsonPath.StartsWith("$", StringComparison.Ordinal) ? e : e.Under(scopePath);
            JsonNode root = scope;
            while (root.Parent != null)
            {
                root = root.Parent;
            }

            JsonNode located = root.Find(full.JsonPath);
            (int line, int column) = located.Position;
            throw new PrunedModelFormatException(full.Reason, full.JsonPath, located.Document.SourceName, line, column, located.Start, located.Length);
        }
    }

    private static PrunedModelFormatException Error(JsonNode node, string reason)
    {
        (int line, int column) = node.Position;
        return new PrunedModelFormatException(reason, node.Path, node.Document.SourceName, line, column, node.Start, node.Length);
    }

    private static string Describe(JsonNode node)
    {
        switch (node.Kind)
        {
            case JsonKind.Object: return "an object";
            case JsonKind.Array: return "an array";
            case JsonKind.String: return "the string \"" + node.Text + "\"";
            case JsonKind.Number: return "the number " + node.Text;
            case JsonKind.Null: return "null";
            default: return node.Kind == JsonKind.True ? "true" : "false";
        }
    }
}
