using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace Prunet.Cli.Commands;

/// <summary><c>prunet inspect</c>: shows a model's shape, sparsity, dead neurons and provenance.</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "The model file to inspect." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object: task, sizes, sparsity, parameter counts, per-layer statistics and provenance." };
        var command = new Command("inspect", "Show a model: layers, weights, nonzeros, sparsity, multiply-adds, dead neurons, and where it came from.");
        command.Arguments.Add(model);
        command.Options.Add(json);
        command.SetAction(result =>
        {
            TextWriter output = result.InvocationConfiguration.Output;
            string path = result.GetValue(model)!;
            PrunedModel loaded = ModelFiles.Load(path);
            if (result.GetValue(json))
            {
                Reports.WriteJson(output, writer =>
                {
                    writer.WriteString("model", path);
                    Reports.WriteStatistics(writer, loaded);
                    if (loaded.Labels != null)
                    {
                        writer.WriteStartArray("labels");
                        foreach (string label in loaded.Labels)
                        {
                            writer.WriteStringValue(label);
                        }

                        writer.WriteEndArray();
                    }

                    // The provenance exactly as the model file has it.
                    using JsonDocument document = JsonDocument.Parse(loaded.ToJson());
                    if (document.RootElement.TryGetProperty("provenance", out JsonElement provenance))
                    {
                        writer.WritePropertyName("provenance");
                        provenance.WriteTo(writer);
                    }
                });
                return 0;
            }

            ModelStatistics stats = loaded.Statistics;
            output.WriteLine($"{path}: {(loaded.Task == ModelTask.Classification ? "classifier" : "regression model")}, {Reports.Shape(loaded)}");
            if (loaded.Labels != null)
            {
                output.WriteLine("classes: " + string.Join(", ", loaded.Labels));
            }

            Reports.WriteLayerTable(output, loaded);
            output.WriteLine(string.Format(CultureInfo.InvariantCulture, "parameters {0:N0} ({1:N0} nonzero), {2:N0} multiply-adds per inference", stats.Parameters, stats.NonzeroParameters, stats.MultiplyAdds));
            if (loaded.Provenance.TryGetValue("dataset", out object? dataset))
            {
                output.WriteLine($"trained on: {dataset}");
            }

            if (loaded.Provenance.TryGetValue("metrics", out object? metrics) && metrics is IReadOnlyDictionary<string, object?> recorded)
            {
                output.WriteLine("test metrics when written: " + string.Join(", ", recorded.Select(m => m.Value == null ? m.Key + " undefined" : string.Format(CultureInfo.InvariantCulture, "{0} {1:0.####}", m.Key, m.Value))));
            }

            if (loaded.Provenance.TryGetValue("pruning", out object? pruning) && pruning is IReadOnlyList<object?> steps)
            {
                foreach (IReadOnlyDictionary<string, object?> step in steps.OfType<IReadOnlyDictionary<string, object?>>())
                {
                    output.WriteLine(string.Format(CultureInfo.InvariantCulture, "pruned: {0}, pruning rate {1}", step.GetValueOrDefault("method"), Reports.Percent(step.GetValueOrDefault("pruningRate") as double? ?? 0)));
                }
            }

            return 0;
        });
        return command;
    }
}
