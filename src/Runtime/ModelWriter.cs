using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Prunet.Format;

namespace Prunet;

/// <summary>
/// Writes a model document (docs/model-format.md). Structure is indented for people; each array
/// of numbers is one line, so a large layer stays a few lines long. Each layer's weights use the
/// encoding, dense or sparse, that gives the shorter text.
/// </summary>
internal static class ModelWriter
{
    // Per sparse row, beyond its numbers: {"indices":[],"values":[]}, a comma, a newline and indentation.
    private const int SparseRowOverhead = 27 + 1 + 1 + 10;

    public static void Write(PrunedModel model, Stream stream)
    {
        var options = new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using var writer = new Utf8JsonWriter(stream, options);
        writer.WriteStartObject();
        writer.WriteString("format", PrunedModel.FormatName);
        writer.WriteNumber("version", PrunedModel.FormatVersion);
        writer.WriteString("task", model.Task == ModelTask.Classification ? "classification" : "regression");
        writer.WriteNumber("inputSize", model.InputSize);
        if (model.InputNames != null)
        {
            WriteStrings(writer, "inputNames", model.InputNames);
        }

        if (model.Labels != null)
        {
            WriteStrings(writer, "labels", model.Labels);
        }

        if (model.Preprocessing != null)
        {
            writer.WriteStartObject("preprocessing");
            WriteFloats(writer, "shift", model.Preprocessing.Shift);
            WriteFloats(writer, "scale", model.Preprocessing.Scale);
            writer.WriteEndObject();
        }

        if (model.Postprocessing != null)
        {
            writer.WriteStartObject("postprocessing");
            WriteFloats(writer, "scale", model.Postprocessing.Scale);
            WriteFloats(writer, "shift", model.Postprocessing.Shift);
            writer.WriteEndObject();
        }

        if (model.Provenance.Count > 0)
        {
            writer.WritePropertyName("provenance");
            WriteTree(writer, model.Provenance);
        }

        writer.WriteStartArray("layers");
        foreach (DenseLayer layer in model.Layers)
        {
            WriteLayer(writer, layer);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
        stream.WriteByte((byte)'\n');
    }

    private static void WriteLayer(Utf8JsonWriter writer, DenseLayer layer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "dense");
        writer.WriteNumber("in", layer.InputSize);
        writer.WriteNumber("out", layer.OutputSize);
        writer.WriteString("activation", ActivationNames.ToName(layer.Activation));
        if (layer.Activation == Activation.LeakyRelu)
        {
            writer.WritePropertyName("alpha");
            writer.WriteRawValue(FloatText.Format(layer.Alpha), skipInputValidation: true);
        }

        if (layer.BlockSize > 1)
        {
            writer.WriteNumber("blockSize", layer.BlockSize);
        }

        WriteFloats(writer, "bias", layer.Bias);
        writer.WriteStartObject("weights");
        string[] texts = FormatAll(layer.Weights);
        if (SparseLength(layer, texts) < DenseLength(texts))
        {
            writer.WriteString("encoding", "sparse");
            writer.WriteStartArray("rows");
            var indices = new StringBuilder();
            var values = new StringBuilder();
            for (int j = 0; j < layer.OutputSize; j++)
            {
                indices.Clear();
                values.Clear();
                for (int i = 0; i < layer.InputSize; i++)
                {
                    int k = (j * layer.InputSize) + i;
                    if (layer.Weights[k] != 0f)
                    {
                        indices.Append(indices.Length == 0 ? string.Empty : ",").Append(i);
                        values.Append(values.Length == 0 ? string.Empty : ",").Append(texts[k]);
                    }
                }

                writer.WriteRawValue("{\"indices\":[" + indices + "],\"values\":[" + values + "]}", skipInputValidation: true);
            }

            writer.WriteEndArray();
        }
        else
        {
            writer.WriteString("encoding", "dense");
            writer.WritePropertyName("values");
            writer.WriteRawValue("[" + string.Join(",", texts) + "]", skipInputValidation: true);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static int DenseLength(string[] texts)
    {
        int length = texts.Length + 1;
        foreach (string text in texts)
        {
            length += text.Length;
        }

        return length;
    }

    private static long SparseLength(DenseLayer layer, string[] texts)
    {
        long length = (long)layer.OutputSize * SparseRowOverhead;
        for (int k = 0; k < texts.Length; k++)
        {
            if (layer.Weights[k] != 0f)
            {
                int i = k % layer.InputSize;
                length += texts[k].Length + 2 + (i < 10 ? 1 : i < 100 ? 2 : i < 1000 ? 3 : i < 10000 ? 4 : 6);
            }
        }

        return length;
    }

    private static string[] FormatAll(ReadOnlySpan<float> values)
    {
        var texts = new string[values.Length];
        for (int k = 0; k < values.Length; k++)
        {
            texts[k] = values[k] == 0f ? "0" : FloatText.Format(values[k]);
        }

        return texts;
    }

    private static void WriteFloats(Utf8JsonWriter writer, string name, ReadOnlySpan<float> values)
    {
        writer.WritePropertyName(name);
        writer.WriteRawValue("[" + string.Join(",", FormatAll(values)) + "]", skipInputValidation: true);
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        foreach (string value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    private static void WriteTree(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case double d:
                writer.WriteRawValue(FloatText.Format(d), skipInputValidation: true);
                break;
            case IReadOnlyDictionary<string, object?> dictionary:
                writer.WriteStartObject();
                foreach (KeyValuePair<string, object?> entry in dictionary)
                {
                    writer.WritePropertyName(entry.Key);
                    WriteTree(writer, entry.Value);
                }

                writer.WriteEndObject();
                break;
            case IReadOnlyList<object?> list:
                writer.WriteStartArray();
                foreach (object? item in list)
                {
                    WriteTree(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                throw new InvalidOperationException("provenance holds a " + value.GetType().Name + ", which the model constructor should have refused");
        }
    }
}
