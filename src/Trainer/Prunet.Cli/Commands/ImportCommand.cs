using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Prunet.Onnx;

namespace Prunet.Cli.Commands;

/// <summary><c>prunet import</c>: reads an ONNX network (PyTorch, Keras) and writes it as a Prunet model.</summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("model") { Description = "The ONNX file to import (a fully connected network, as PyTorch or Keras export it)." };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the Prunet model (JSON, written atomically).", Required = true, HelpName = "file" };
        var task = new Option<string?>("--task")
        {
            Description = "classification or regression [default: the task recorded in the file's metadata by a Prunet export; otherwise classification when the network has more than one output (PyTorch classifiers usually end in raw logits), else regression].",
            HelpName = "classification|regression",
        };
        task.AcceptOnlyFromAmong("classification", "regression");
        Option<string[]?> labels = ListOption.Create<string[]?>(
            "--labels",
            "Class names, comma-separated, one per output in output order [default: none: class k is output k, which matches integer labels 0, 1, ... of IDX and CSV data].",
            "a,b,...",
            SplitNames);
        Option<float[]?> scale = ListOption.Create<float[]?>(
            "--input-scale",
            "Preprocessing the graph does not contain: raw features are multiplied by this (after --input-shift) before the graph's own arithmetic. One value, or one per feature, comma-separated (e.g. 0.00392156 for pixels 0-255 of a network trained on 0-1).",
            "s[,s...]",
            (text, result) => ParseNumbers(text, result, "--input-scale"));
        Option<float[]?> shift = ListOption.Create<float[]?>(
            "--input-shift",
            "Preprocessing the graph does not contain: subtracted from raw features first. One value, or one per feature, comma-separated.",
            "s[,s...]",
            (text, result) => ParseNumbers(text, result, "--input-shift"));
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the notes of the import and the model's statistics." };

        var command = new Command("import", "Import an ONNX network (Gemm or MatMul layers with their activations, as PyTorch and Keras export them) as a Prunet model.");
        command.Arguments.Add(input);
        command.Options.Add(output);
        command.Options.Add(task);
        command.Options.Add(labels);
        command.Options.Add(scale);
        command.Options.Add(shift);
        command.Options.Add(json);
        command.SetAction(result =>
        {
            TextWriter stdout = result.InvocationConfiguration.Output;
            string source = result.GetValue(input)!;
            string path = result.GetValue(output)!;
            if (ModelFiles.IsOnnx(path))
            {
                // Every command reads a .onnx path as ONNX: a model file named so could not be read back.
                throw new ArgumentException($"--output {path}: import writes a Prunet model (JSON); give it another extension, such as .json");
            }

            var options = new OnnxImportOptions(
                result.GetValue(task) switch
                {
                    "classification" => ModelTask.Classification,
                    "regression" => ModelTask.Regression,
                    _ => null,
                },
                NullWhenEmpty(result.GetValue(labels)),
                NullWhenEmpty(result.GetValue(scale)),
                NullWhenEmpty(result.GetValue(shift)));
            OnnxImport imported = OnnxImporter.Read(source, options);
            PrunedModel model = imported.Model;
            model.Save(path);
            if (result.GetValue(json))
            {
                Reports.WriteJson(stdout, writer =>
                {
                    writer.WriteString("model", path);
                    writer.WriteString("source", source);
                    writer.WriteStartArray("notes");
                    foreach (string note in imported.Notes)
                    {
                        writer.WriteStringValue(note);
                    }

                    writer.WriteEndArray();
                    Reports.WriteStatistics(writer, model);
                });
                return 0;
            }

            stdout.WriteLine($"{source}: {(model.Task == ModelTask.Classification ? "classifier" : "regression model")}, {Reports.Shape(model)}");
            Reports.WriteLayerTable(stdout, model);
            foreach (string note in imported.Notes)
            {
                stdout.WriteLine(note);
            }

            stdout.WriteLine($"wrote {path}: {model.Statistics.Parameters:N0} parameters");
            return 0;
        });
        return command;
    }

    // An option that was not given reads as an empty array.
    private static T[]? NullWhenEmpty<T>(T[]? values) => values is { Length: > 0 } ? values : null;

    private static string[]? SplitNames(string text, ArgumentResult result)
    {
        string[] names = text.Split(',', StringSplitOptions.TrimEntries);
        if (names.Any(n => n.Length == 0))
        {
            result.AddError("--labels: a class name is empty; expected names separated by commas, such as cat,dog");
        }

        return names;
    }

    private static float[]? ParseNumbers(string text, ArgumentResult result, string option)
    {
        var values = new List<float>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!float.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || !float.IsFinite(value))
            {
                result.AddError($"{option}: '{part}' is not a number; expected one number, or one per feature separated by commas");
                return null;
            }

            values.Add(value);
        }

        return values.ToArray();
    }
}
