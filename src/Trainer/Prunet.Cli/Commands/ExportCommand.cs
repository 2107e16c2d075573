using System.CommandLine;
using Prunet.Onnx;

namespace Prunet.Cli.Commands;

/// <summary><c>prunet export</c>: writes a model as ONNX, to run it in ONNX Runtime and other tools.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("model") { Description = "The model to export (a Prunet model file, or an ONNX file to import on the fly)." };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the ONNX file (written atomically).", Required = true, HelpName = "file" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object: the files, the opset, the size in bytes and the model's statistics." };
        var command = new Command("export", $"Export a model as ONNX (opset {OnnxExporter.Opset}): preprocessing, Gemm layers with their activations, postprocessing; pruned weights are zeros.");
        command.Arguments.Add(input);
        command.Options.Add(output);
        command.Options.Add(json);
        command.SetAction(result =>
        {
            TextWriter stdout = result.InvocationConfiguration.Output;
            string source = result.GetValue(input)!;
            string path = result.GetValue(output)!;
            if (!ModelFiles.IsOnnx(path))
            {
                // Every command reads a path by its extension: an ONNX file not named .onnx would be read as JSON.
                throw new ArgumentException($"--output {path}: export writes ONNX; name the file .onnx");
            }

            PrunedModel model = ModelFiles.Load(source);
            OnnxExporter.Save(model, path);
            long bytes = new FileInfo(path).Length;
            if (result.GetValue(json))
            {
                Reports.WriteJson(stdout, writer =>
                {
                    writer.WriteString("model", source);
                    writer.WriteString("onnx", path);
                    writer.WriteNumber("opset", OnnxExporter.Opset);
                    writer.WriteNumber("irVersion", OnnxExporter.IrVersion);
                    writer.WriteNumber("bytes", bytes);
                    Reports.WriteStatistics(writer, model);
                });
                return 0;
            }

            stdout.WriteLine($"wrote {path}: ONNX opset {OnnxExporter.Opset}, {Reports.Shape(model)}, input \"{OnnxExporter.InputName}\" [N, {model.InputSize}], output \"{OnnxExporter.OutputName}\" [N, {model.OutputSize}], {bytes:N0} bytes");
            return 0;
        });
        return command;
    }
}
