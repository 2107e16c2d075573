using System.CommandLine;
using System.Globalization;
using Prunet.Data;
using Prunet.Pruning;
using Prunet.Training;

namespace Prunet.Cli.Commands;

/// <summary><c>prunet prune</c>: prunes a model, fine-tunes it with the pruned weights held at zero, and reports the cost.</summary>
internal static class PruneCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "The model file to prune.", Required = true, HelpName = "file" };
        var data = new DataOptionSet();
        var method = new Option<string>("--method") { Description = "Pruning method. magnitude: remove the weights of smallest |w|.", DefaultValueFactory = _ => "magnitude", HelpName = "magnitude" };
        method.AcceptOnlyFromAmong("magnitude");
        var sparsity = new Option<double?>("--sparsity") { Description = "Target fraction of weights that are zero afterwards (0 to 1), within each layer or over the network (--scope).", HelpName = "fraction" };
        var threshold = new Option<float?>("--threshold") { Description = "Threshold on the method's score: for magnitude, every weight with |w| below it becomes zero.", HelpName = "t" };
        var scope = new Option<string>("--scope") { Description = "With --sparsity: layer (each layer reaches the target) or global (all weights ranked together).", DefaultValueFactory = _ => "global", HelpName = "layer|global" };
        scope.AcceptOnlyFromAmong("layer", "global");
        var training = new TrainingOptionSet("--finetune-epochs", 3, "Epochs of fine-tuning after pruning; pruned weights stay exactly zero throughout (0: no fine-tuning).");
        var output = new Option<string>("--output", "-o") { Description = "Where to write the pruned model (JSON, written atomically).", Required = true, HelpName = "file" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object with metrics before and after and the pruning rates on standard output." };

        var command = new Command("prune", "Prune a model's weights, fine-tune it with the pruned weights held at zero, and report what pruning cost on the test split.");
        command.Options.Add(model);
        data.AddTo(command);
        command.Options.Add(method);
        command.Options.Add(sparsity);
        command.Options.Add(threshold);
        command.Options.Add(scope);
        training.AddTo(command);
        command.Options.Add(output);
        command.Options.Add(json);
        command.Validators.Add(result =>
        {
            bool hasSparsity = result.GetResult(sparsity) != null;
            bool hasThreshold = result.GetResult(threshold) != null;
            if (hasSparsity == hasThreshold)
            {
                result.AddError("prune needs exactly one of --sparsity and --threshold");
            }
            else if (hasThreshold && result.GetResult(scope) is { Implicit: false })
            {
                result.AddError("--scope applies to --sparsity only: a threshold is the same for every layer");
            }
        });
        command.SetAction(result =>
        {
            TextWriter stdout = result.InvocationConfiguration.Output;
            bool asJson = result.GetValue(json);
            TextWriter log = asJson ? result.InvocationConfiguration.Error : stdout;
            string modelPath = result.GetValue(model)!;
            PrunedModel dense = ModelFiles.Load(modelPath);
            var pruning = new MagnitudePruningOptions(
                result.GetValue(sparsity),
                result.GetValue(threshold),
                result.GetValue(scope) == "layer" ? PruningScope.Layer : PruningScope.Global);
            TrainingOptions fineTuning = training.Read(result, Array.Empty<int>(), Activation.Relu);
            DataOptions dataOptions = data.Read(result, dense.Task, dense);
            string path = result.GetValue(output)!;

            DataSplit split = DataSource.Load(dataOptions);
            log.WriteLine(CommandText.DescribeData(split, dataOptions));
            Metrics before = Evaluator.Evaluate(dense, split.Test);
            PruningResult pruned = MagnitudePruner.Prune(dense, pruning);
            Metrics afterPruning = Evaluator.Evaluate(pruned.Model, split.Test);
            PrunedModel tuned = pruned.Model;
            if (fineTuning.Epochs > 0)
            {
                log.WriteLine($"fine-tuning {fineTuning.Epochs} epochs with the pruned weights held at zero");
                tuned = ModelTrainer.FineTune(pruned.Model, split.Train, fineTuning, new EpochPrinter(log));
            }

            Metrics after = Evaluator.Evaluate(tuned, split.Test);
            tuned = tuned.WithProvenance(Provenance(dense, pruned, pruning, fineTuning, before, afterPruning, after, split, dataOptions));
            tuned.Save(path);

            WriteReport(log, pruned, before, afterPruning, after, fineTuning.Epochs);
            log.WriteLine($"wrote {path}: {tuned.Statistics.NonzeroWeights:N0} of {tuned.Statistics.Weights:N0} weights remain");
            if (asJson)
            {
                Reports.WriteJson(stdout, writer =>
                {
                    writer.WriteString("model", path);
                    writer.WriteStartObject("before");
                    Reports.WriteMetrics(writer, before);
                    writer.WriteEndObject();
                    writer.WriteStartObject("pruned");
                    Reports.WriteMetrics(writer, afterPruning);
                    writer.WriteEndObject();
                    writer.WriteStartObject("after");
                    Reports.WriteMetrics(writer, after);
                    writer.WriteEndObject();
                    writer.WriteNumber("pruningRate", pruned.Rate);
                    writer.WriteStartArray("layerPruningRates");
                    foreach (LayerPruning layer in pruned.Layers)
                    {
                        writer.WriteNumberValue(layer.Rate);
                    }

                    writer.WriteEndArray();
                    Reports.WriteStatistics(writer, tuned);
                });
            }

            return 0;
        });
        return command;
    }

    private static void WriteReport(TextWriter log, PruningResult pruned, Metrics before, Metrics afterPruning, Metrics after, int epochs)
    {
        CultureInfo invariant = CultureInfo.InvariantCulture;
        var rows = new List<string[]> { new[] { "layer", "shape", "weights", "zero before", "zero after", "pruning rate" } };
        foreach (LayerPruning layer in pruned.Layers)
        {
            DenseLayer shape = pruned.Model.Layers[layer.Layer];
            rows.Add(new[] { layer.Layer.ToString(invariant), shape.InputSize + "→" + shape.OutputSize, layer.Weights.ToString("N0", invariant), layer.ZerosBefore.ToString("N0", invariant), layer.ZerosAfter.ToString("N0", invariant), Reports.Percent(layer.Rate) });
        }

        rows.Add(new[] { "all", Reports.Shape(pruned.Model), pruned.Weights.ToString("N0", invariant), pruned.Layers.Sum(l => (long)l.ZerosBefore).ToString("N0", invariant), pruned.ZerosAfter.ToString("N0", invariant), Reports.Percent(pruned.Rate) });
        Reports.WriteTable(log, rows);
        log.WriteLine($"before pruning:  {Reports.Describe(before)}");
        log.WriteLine($"after pruning:   {Reports.Describe(afterPruning)} ({Reports.Change(before, afterPruning)})");
        if (epochs > 0)
        {
            log.WriteLine($"after {epochs} fine-tuning epochs: {Reports.Describe(after)} ({Reports.Change(before, after)})");
        }
    }

    private static Dictionary<string, object?> Provenance(
        PrunedModel dense,
        PruningResult pruned,
        MagnitudePruningOptions pruning,
        TrainingOptions fineTuning,
        Metrics before,
        Metrics afterPruning,
        Metrics after,
        DataSplit split,
        DataOptions dataOptions)
    {
        var provenance = new Dictionary<string, object?>(dense.Provenance);
        provenance["producer"] = ModelTrainer.Producer;
        provenance["dataset"] = split.Train.Name;
        provenance["data"] = CommandText.DataRecord(split, dataOptions);
        provenance["metrics"] = Reports.ToProvenance(after);

        // Pruning steps compose (a model can be pruned again): each run appends its record.
        var steps = dense.Provenance.TryGetValue("pruning", out object? earlier) && earlier is IReadOnlyList<object?> list
            ? new List<object?>(list)
            : new List<object?>();
        steps.Add(new Dictionary<string, object?>
        {
            ["method"] = "magnitude",
            ["settings"] = new Dictionary<string, object?>
            {
                ["sparsity"] = pruning.Sparsity,
                ["threshold"] = pruning.Threshold,
                ["scope"] = pruning.Sparsity.HasValue ? pruning.Scope.ToString().ToLowerInvariant() : null,
                ["finetuneEpochs"] = fineTuning.Epochs,
                ["optimizer"] = fineTuning.Optimizer.ToString().ToLowerInvariant(),
                ["learningRate"] = fineTuning.LearningRate,
                ["batch"] = fineTuning.BatchSize,
                ["seed"] = fineTuning.Seed,
            },
            ["before"] = Reports.ToProvenance(before),
            ["pruned"] = Reports.ToProvenance(afterPruning),
            ["after"] = Reports.ToProvenance(after),
            ["pruningRate"] = pruned.Rate,
            ["layerPruningRates"] = pruned.Layers.Select(l => (object?)l.Rate).ToList(),
        });
        provenance["pruning"] = steps;
        return provenance;
    }
}
