using System.CommandLine;
using System.Globalization;
using Prunet.Data;
using Prunet.Pruning;
using Prunet.Training;

namespace Prunet.Cli.Commands;

/// <summary><c>prunet train</c>: trains a dense network and writes it as a model file.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var data = new DataOptionSet();
        var training = new TrainingOptionSet("--epochs", 20, "Passes over the training rows.");
        Option<int[]> hidden = ListOption.Create("--hidden", "Widths of the hidden layers, comma-separated (e.g. 300,100); empty for none.", "n,n,...", ParseWidths);
        hidden.Required = true;
        var activation = new Option<string>("--activation")
        {
            Description = "Activation of the hidden layers: " + string.Join(", ", ActivationNames.All.Where(n => n != "softmax")) + ".",
            DefaultValueFactory = _ => "relu",
            HelpName = "name",
        };
        activation.AcceptOnlyFromAmong(ActivationNames.All.Where(n => n != "softmax").ToArray());
        var task = new Option<string?>("--task")
        {
            Description = "classification or regression [default: from the target column: names or a few distinct integers mean classes].",
            HelpName = "classification|regression",
        };
        task.AcceptOnlyFromAmong("classification", "regression");
        var pruneTo = new Option<double?>("--prune-to")
        {
            Description = "Prune while training: magnitude pruning along Zhu and Gupta's cubic schedule up to this fraction of zero weights (0 to 1), held at zero from then on. --scope, --granularity, --block, --begin-step, --end-step and --frequency shape it as in prune.",
            HelpName = "sparsity",
        };
        var pruning = new PruningOptionSet(PruningOptionUse.Train);
        var output = new Option<string>("--output", "-o") { Description = "Where to write the model (JSON, written atomically).", Required = true, HelpName = "file" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the test metrics and statistics on standard output (progress goes to standard error)." };

        var command = new Command("train", "Train a dense network on a dataset and write it as a Prunet model.");
        data.AddTo(command);
        command.Options.Add(hidden);
        command.Options.Add(activation);
        command.Options.Add(task);
        training.AddTo(command);
        command.Options.Add(pruneTo);
        pruning.AddTo(command);
        command.Options.Add(output);
        command.Options.Add(json);
        command.Validators.Add(result =>
        {
            if (result.GetValue(pruneTo) is double target && !(target >= 0 && target <= 1))
            {
                result.AddError($"--prune-to must be a sparsity between 0 and 1, got {target}");
                return;
            }

            pruning.Validate(result, enabled: result.GetValue(pruneTo) != null);
        });
        command.SetAction(result =>
        {
            TextWriter stdout = result.InvocationConfiguration.Output;
            bool asJson = result.GetValue(json);
            TextWriter log = asJson ? result.InvocationConfiguration.Error : stdout;
            ModelTask? taskValue = result.GetValue(task) switch
            {
                "classification" => ModelTask.Classification,
                "regression" => ModelTask.Regression,
                _ => null,
            };
            ActivationNames.TryParse(result.GetValue(activation)!, out Activation hiddenActivation);
            DataOptions dataOptions = data.Read(result, taskValue);
            TrainingOptions options = training.Read(result, result.GetValue(hidden)!, hiddenActivation);
            string path = result.GetValue(output)!;

            DataSplit split = DataSource.Load(dataOptions);
            if (result.GetValue(pruneTo) is double sparsity)
            {
                options = options with { Pruning = pruning.Read(result, sparsity).Gradual(split.Train, options, sparsity) };
            }

            log.WriteLine(CommandText.DescribeData(split, dataOptions));
            log.WriteLine(string.Format(
                CultureInfo.InvariantCulture,
                "network: {0}-{1}{2} {3}, {4} lr {5}, batch {6}, {7} epochs, seed {8}",
                split.Train.Features,
                string.Concat(options.Hidden.Select(h => h + "-")),
                split.Train.Task == ModelTask.Classification ? split.Train.ClassNames!.Count : 1,
                result.GetValue(activation),
                options.Optimizer.ToString().ToLowerInvariant(),
                options.LearningRate,
                options.BatchSize,
                options.Epochs,
                options.Seed));
            if (options.Pruning is GradualPruning gradual)
            {
                log.WriteLine(string.Format(CultureInfo.InvariantCulture, "pruning to {0} sparsity ({1}, {2}), steps {3} to {4}, every {5}", Reports.Percent(gradual.Schedule.FinalSparsity), gradual.Method.Scope.ToString().ToLowerInvariant(), gradual.Method.Granularity.ToString().ToLowerInvariant(), gradual.Schedule.BeginStep, gradual.Schedule.EndStep, ((PolynomialSchedule)gradual.Schedule).Frequency));
            }

            PrunedModel model = ModelTrainer.Train(split.Train, options, new EpochPrinter(log));
            Metrics metrics = Evaluator.Evaluate(model, split.Test);
            var provenance = new Dictionary<string, object?>(model.Provenance)
            {
                ["data"] = CommandText.DataRecord(split, dataOptions),
                ["metrics"] = Reports.ToProvenance(metrics),
            };
            if (options.Pruning is GradualPruning pruned)
            {
                // Pruned while training: recorded as a pruning run, like prune's, so inspect and later runs see it.
                provenance["pruning"] = new List<object?>
                {
                    new Dictionary<string, object?>
                    {
                        ["method"] = "magnitude",
                        ["settings"] = pruned.Describe(),
                        ["duringTraining"] = true,
                        ["after"] = Reports.ToProvenance(metrics),
                        ["pruningRate"] = model.Statistics.Sparsity,
                        ["layerPruningRates"] = model.Layers.Select(l => (object?)l.Sparsity).ToList(),
                    },
                };
            }
            model = model.WithProvenance(provenance);
            model.Save(path);

            log.WriteLine($"test {Reports.Describe(metrics)} ({metrics.Rows} rows)");
            log.WriteLine($"wrote {path}: {Reports.Shape(model)}, {model.Statistics.Parameters:N0} parameters");
            if (asJson)
            {
                Reports.WriteJson(stdout, writer =>
                {
                    writer.WriteString("model", path);
                    writer.WriteString("dataset", split.Train.Name);
                    Reports.WriteMetrics(writer, metrics);
                    Reports.WriteStatistics(writer, model);
                });
            }

            return 0;
        });
        return command;
    }

    private static int[] ParseWidths(string text, System.CommandLine.Parsing.ArgumentResult result)
    {
        var widths = new List<int>();
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int width) || width < 1)
            {
                result.AddError($"--hidden: '{part}' is not a layer width (a whole number of at least 1); expected e.g. 300,100");
                return Array.Empty<int>();
            }

            widths.Add(width);
        }

        return widths.ToArray();
    }
}
