using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Prunet.Training;

namespace Prunet.Cli.Commands;

/// <summary>How commands show models, metrics and progress: text tables for people, one JSON object with --json.</summary>
internal static class Reports
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>A fraction as a percentage with one decimal: 0.8312 is "83.1%".</summary>
    public static string Percent(double fraction) => (100 * fraction).ToString("0.0", Invariant) + "%";

    /// <summary>What a report says for an R² that is null: the target is constant, so there is no spread to explain.</summary>
    public const string UndefinedR2 = "undefined (constant target)";

    public static string Describe(Metrics metrics)
        => metrics.Accuracy is double accuracy
            ? string.Format(Invariant, "accuracy {0:F4}", accuracy)
            : metrics.Mse is double mse
                ? string.Format(Invariant, "R² {0}, mse {1:G5}, mae {2:G5}", metrics.R2 is double r2 ? r2.ToString("F4", Invariant) : UndefinedR2, mse, metrics.Mae)
                : "no rows";

    /// <summary>The change of the main metric, in words: accuracy in points, R² in hundredths (undefined when either R² is).</summary>
    public static string Change(Metrics before, Metrics after)
        => after.Accuracy is double a && before.Accuracy is double b
            ? string.Format(Invariant, "{0:+0.00;-0.00;0.00} points", 100 * (a - b))
            : after.R2 is double r && before.R2 is double s
                ? string.Format(Invariant, "R² {0:+0.0000;-0.0000;0.0000}", r - s)
                : "R² change undefined";

    public static Dictionary<string, object?> ToProvenance(Metrics metrics)
    {
        var record = new Dictionary<string, object?> { ["rows"] = metrics.Rows };
        if (metrics.Accuracy is double accuracy)
        {
            record["accuracy"] = accuracy;
        }
        else
        {
            record["mse"] = metrics.Mse;
            record["mae"] = metrics.Mae;
            record["r2"] = metrics.R2;
        }

        return record;
    }

    public static string Shape(PrunedModel model)
        => model.InputSize + "-" + string.Join("-", model.Layers.Select(l => l.OutputSize));

    /// <summary>Per-layer table: shape, activation, weights, nonzeros, sparsity, dead neurons.</summary>
    public static void WriteLayerTable(TextWriter output, PrunedModel model)
    {
        ModelStatistics stats = model.Statistics;
        var rows = new List<string[]> { new[] { "layer", "shape", "activation", "weights", "nonzeros", "sparsity", "dead neurons" } };
        foreach (LayerStatistics layer in stats.Layers)
        {
            rows.Add(new[]
            {
                layer.Index.ToString(Invariant),
                layer.InputSize + "→" + layer.OutputSize,
                ActivationNames.ToName(model.Layers[layer.Index].Activation),
                layer.Weights.ToString("N0", Invariant),
                layer.Nonzeros.ToString("N0", Invariant),
                Percent(layer.Sparsity),
                layer.DeadNeurons.ToString(Invariant),
            });
        }

        rows.Add(new[] { "all", Shape(model), string.Empty, stats.Weights.ToString("N0", Invariant), stats.NonzeroWeights.ToString("N0", Invariant), Percent(stats.Sparsity), stats.DeadNeurons.ToString(Invariant) });
        WriteTable(output, rows);
    }

    public static void WriteTable(TextWriter output, IReadOnlyList<string[]> rows)
    {
        int[] widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (string[] row in rows)
        {
            var line = new StringBuilder();
            for (int c = 0; c < row.Length; c++)
            {
                // First column left-aligned, numbers right-aligned.
                line.Append(c == 0 ? row[c].PadRight(widths[c]) : "  " + row[c].PadLeft(widths[c]));
            }

            output.WriteLine(line.ToString().TrimEnd());
        }
    }

    /// <summary>Writes one JSON object to <paramref name="output"/>.</summary>
    public static void WriteJson(TextWriter output, Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }

    public static void WriteMetrics(Utf8JsonWriter writer, Metrics metrics)
    {
        writer.WriteNumber("rows", metrics.Rows);
        if (metrics.Accuracy is double accuracy)
        {
            writer.WriteNumber("accuracy", accuracy);
        }

        if (metrics.Mse is double mse)
        {
            writer.WriteNumber("mse", mse);
            WriteNumberOrNull(writer, "mae", metrics.Mae);

            // Null, not absent, when the target is constant: the field is always there for a regression.
            WriteNumberOrNull(writer, "r2", metrics.R2);
        }
    }

    /// <summary>A number, or JSON null for a metric that is undefined.</summary>
    public static void WriteNumberOrNull(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is double number && double.IsFinite(number))
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    /// <summary>Sparsity, parameter counts and per-layer statistics, as eval and inspect print them with --json.</summary>
    public static void WriteStatistics(Utf8JsonWriter writer, PrunedModel model)
    {
        ModelStatistics stats = model.Statistics;
        writer.WriteString("task", model.Task == ModelTask.Classification ? "classification" : "regression");
        writer.WriteNumber("inputSize", model.InputSize);
        writer.WriteNumber("outputSize", model.OutputSize);
        writer.WriteNumber("sparsity", stats.Sparsity);
        writer.WriteNumber("parameters", stats.Parameters);
        writer.WriteNumber("nonzeroParameters", stats.NonzeroParameters);
        writer.WriteNumber("weights", stats.Weights);
        writer.WriteNumber("nonzeroWeights", stats.NonzeroWeights);
        writer.WriteNumber("multiplyAdds", stats.MultiplyAdds);
        writer.WriteNumber("deadNeurons", stats.DeadNeurons);
        writer.WriteStartArray("layers");
        foreach (LayerStatistics layer in stats.Layers)
        {
            writer.WriteStartObject();
            writer.WriteNumber("index", layer.Index);
            writer.WriteNumber("in", layer.InputSize);
            writer.WriteNumber("out", layer.OutputSize);
            writer.WriteString("activation", ActivationNames.ToName(model.Layers[layer.Index].Activation));
            writer.WriteNumber("weights", layer.Weights);
            writer.WriteNumber("nonzeros", layer.Nonzeros);
            writer.WriteNumber("sparsity", layer.Sparsity);
            writer.WriteNumber("multiplyAdds", layer.MultiplyAdds);
            writer.WriteNumber("deadNeurons", layer.DeadNeurons);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}

/// <summary>Prints one line per epoch as training reports it (synchronously, unlike Progress&lt;T&gt;).</summary>
internal sealed class EpochPrinter(TextWriter output) : IProgress<EpochReport>
{
    public void Report(EpochReport value)
    {
        CultureInfo invariant = CultureInfo.InvariantCulture;
        string epoch = value.Epoch.ToString(invariant).PadLeft(value.Epochs.ToString(invariant).Length);
        // R² is NaN, undefined, on validation rows whose target is constant.
        string metric = double.IsNaN(value.ValidationMetric) ? "undefined" : value.ValidationMetric.ToString("F4", invariant);
        string validation = double.IsNaN(value.ValidationLoss)
            ? string.Empty // no validation rows (--validation-fraction 0)
            : string.Format(invariant, "  validation loss {0:F4}  validation {1} {2}", value.ValidationLoss, value.MetricName, metric);
        string sparsity = value.Sparsity is double s ? "  sparsity " + Reports.Percent(s) : string.Empty;
        output.WriteLine(string.Format(invariant, "epoch {0}/{1}  loss {2:F4}{3}{4}  {5:F2} s", epoch, value.Epochs, value.TrainLoss, validation, sparsity, value.Seconds));
    }
}
