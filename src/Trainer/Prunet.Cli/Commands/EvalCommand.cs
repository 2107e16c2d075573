using System.CommandLine;
using Prunet.Data;
using Prunet.Training;

namespace Prunet.Cli.Commands;

/// <summary><c>prunet eval</c>: measures a model on the test split with the reference interpreter.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "The model file to evaluate.", Required = true, HelpName = "file" };
        var data = new DataOptionSet();
        var json = new Option<bool>("--json") { Description = "Print one JSON object: accuracy (classification) or mse, mae, r2 (regression), sparsity, parameter counts and per-layer statistics." };
        var command = new Command("eval", "Evaluate a model on the test split of a dataset (accuracy, or MSE, MAE and R²) with the reference interpreter.");
        command.Options.Add(model);
        data.AddTo(command);
        command.Options.Add(json);
        command.SetAction(result =>
        {
            TextWriter output = result.InvocationConfiguration.Output;
            string path = result.GetValue(model)!;
            PrunedModel loaded = ModelFiles.Load(path);
            DataOptions dataOptions = data.Read(result, loaded.Task, loaded);
            DataSplit split = DataSource.Load(dataOptions);
            Metrics metrics = Evaluator.Evaluate(loaded, split.Test);
            if (result.GetValue(json))
            {
                Reports.WriteJson(output, writer =>
                {
                    writer.WriteString("model", path);
                    writer.WriteString("dataset", split.Test.Name);
                    Reports.WriteMetrics(writer, metrics);
                    Reports.WriteStatistics(writer, loaded);
                });
                return 0;
            }

            output.WriteLine(CommandText.DescribeData(split, dataOptions));
            output.WriteLine($"{path}: {Reports.Shape(loaded)}, {loaded.Statistics.NonzeroWeights:N0} of {loaded.Statistics.Weights:N0} weights nonzero ({Reports.Percent(loaded.Statistics.Sparsity)} sparse)");
            output.WriteLine($"test {Reports.Describe(metrics)} ({metrics.Rows} rows)");
            return 0;
        });
        return command;
    }
}
