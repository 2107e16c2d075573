using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text;
using Prunet.Data;
using Prunet.Pruning;
using Prunet.Training;
using Spectre.Console;

namespace Prunet.Cli.Commands;

/// <summary>
/// <c>prunet sweep</c>: prunes one trained model to each of several sparsities with the same
/// fine-tuning budget, and reports accuracy against sparsity as a table, CSV, JSON and charts.
/// </summary>
internal static class SweepCommand
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "The trained model to prune at each sparsity.", Required = true, HelpName = "file" };
        var data = new DataOptionSet();
        Option<double[]> sparsities = ListOption.Create(
            "--sparsities",
            "The targets, comma-separated: weight sparsities for --method magnitude, fractions of each hidden layer's neurons for --method neuron.",
            "s,s,...",
            ParseSparsities);
        sparsities.Required = true;
        var pruningOptions = new PruningOptionSet(PruningOptionUse.Sweep);
        var training = new TrainingOptionSet("--finetune-epochs", 3, "Fine-tuning epochs for every target: the same budget for each.");
        var output = new Option<string>("--output", "-o") { Description = "Directory for sweep.csv, sweep.json, the charts (PNG) and one pruned model per target.", Required = true, HelpName = "dir" };

        var command = new Command("sweep", "Prune one model to each of several sparsities with the same fine-tuning budget; write the accuracy-vs-sparsity table (CSV, JSON) and charts.");
        command.Options.Add(model);
        data.AddTo(command);
        command.Options.Add(sparsities);
        pruningOptions.AddTo(command);
        training.AddTo(command);
        command.Options.Add(output);
        command.Validators.Add(result => pruningOptions.Validate(result));
        command.SetAction(result =>
        {
            TextWriter stdout = result.InvocationConfiguration.Output;
            string modelPath = result.GetValue(model)!;
            PrunedModel dense = ModelFiles.Load(modelPath);
            PruningPlan plan = pruningOptions.Read(result);
            double[] targets = result.GetValue(sparsities)!;
            if (plan.Method == PruningMethod.Neuron && targets.Any(t => t >= 1))
            {
                throw new ArgumentException("--method neuron takes fractions of each layer's neurons below 1 (a layer keeps at least one neuron)");
            }

            TrainingOptions fineTuning = training.Read(result, Array.Empty<int>(), Activation.Relu, dense);
            DataOptions dataOptions = data.Read(result, dense.Task, dense);
            string directory = result.GetValue(output)!;
            DataSplit split = DataSource.Load(dataOptions);
            Dataset validation = ModelTrainer.ValidationSet(split.Train, fineTuning);

            stdout.WriteLine(CommandText.DescribeData(split, dataOptions));
            var sweep = new Sweep(modelPath, split.Train.Name, plan, fineTuning, dense, Measure(dense, split.Test, validation)) { Data = dataOptions };
            RunAll(sweep, targets, split, validation, directory, stdout);

            Reports.WriteTable(stdout, sweep.TableRows());
            AtomicFile.WriteAllText(Path.Combine(directory, "sweep.csv"), sweep.Csv());
            AtomicFile.WriteAllText(Path.Combine(directory, "sweep.json"), sweep.Json());
            foreach ((string name, byte[] png) in SweepCharts.Draw(sweep))
            {
                AtomicFile.Write(Path.Combine(directory, name), stream => stream.Write(png, 0, png.Length));
            }

            stdout.WriteLine($"wrote {directory}: sweep.csv, sweep.json, {string.Join(", ", SweepCharts.Names)} and {targets.Length} models");
            return 0;
        });
        return command;
    }

    /// <summary>
    /// Prunes and fine-tunes once per target, with a progress bar on a terminal and one line per
    /// epoch otherwise (redirected output, or a writer that is not the console: tests, logs).
    /// </summary>
    private static void RunAll(Sweep sweep, double[] targets, DataSplit split, Dataset validation, string directory, TextWriter output)
    {
        int epochs = Math.Max(1, sweep.FineTuning.Epochs);
        bool terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        if (!terminal)
        {
            for (int t = 0; t < targets.Length; t++)
            {
                string label = string.Format(Invariant, "[{0}/{1}] {2} {3}", t + 1, targets.Length, sweep.TargetName, targets[t]);
                output.WriteLine(label);
                var printer = new EpochPrinter(output);
                sweep.Runs.Add(RunOne(sweep, targets[t], split, validation, directory, new Progress(report => { output.Write("  "); printer.Report(report); })));
            }

            return;
        }

        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask("sweep", maxValue: targets.Length * epochs);
                for (int t = 0; t < targets.Length; t++)
                {
                    int done = t * epochs;
                    task.Description = string.Format(Invariant, "{0} {1} ({2}/{3})", sweep.TargetName, targets[t], t + 1, targets.Length);
                    sweep.Runs.Add(RunOne(sweep, targets[t], split, validation, directory, new Progress(report =>
                    {
                        task.Value = done + report.Epoch;
                        task.Description = string.Format(Invariant, "{0} {1} ({2}/{3}), epoch {4}/{5}", sweep.TargetName, targets[t], t + 1, targets.Length, report.Epoch, report.Epochs);
                    })));
                    task.Value = done + epochs;
                }
            });
    }

    private static SweepRun RunOne(Sweep sweep, double target, DataSplit split, Dataset validation, string directory, IProgress<EpochReport> progress)
    {
        PruningPlan plan = sweep.Plan.WithTarget(target);
        PruningOutcome outcome = plan.Run(sweep.Dense, split.Train, sweep.FineTuning, progress);
        string file = Path.Combine(directory, string.Format(Invariant, "model-{0}.json", target));
        (Metrics Test, Metrics? Validation) measured = Measure(outcome.Tuned, split.Test, validation);
        Metrics? afterPruning = outcome.AtOnce == null ? null : Evaluator.Evaluate(outcome.AtOnce, split.Test);
        PrunedModel tuned = outcome.Tuned.WithProvenance(CommandText.PruningProvenance(sweep.Dense, plan, outcome, sweep.FineTuning, (sweep.DenseMetrics.Test, afterPruning, measured.Test), split, sweep.Data, sweep: true));
        tuned.Save(file);
        return new SweepRun(target, tuned, outcome.Removed, measured, Path.GetFileName(file));
    }

    private static (Metrics Test, Metrics? Validation) Measure(PrunedModel model, Dataset test, Dataset validation)
        => (Evaluator.Evaluate(model, test), validation.Rows > 0 ? Evaluator.Evaluate(model, validation) : null);

    private static double[] ParseSparsities(string text, ArgumentResult result)
    {
        var values = new List<double>();
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, Invariant, out double value) || !(value >= 0 && value <= 1))
            {
                result.AddError($"--sparsities: '{part}' is not a fraction from 0 to 1; expected e.g. 0.5,0.8,0.9,0.95,0.98");
                return Array.Empty<double>();
            }

            if (values.Contains(value))
            {
                result.AddError($"--sparsities: {part} is given twice");
                return Array.Empty<double>();
            }

            values.Add(value);
        }

        if (values.Count == 0)
        {
            result.AddError("--sparsities needs at least one value, e.g. 0.5,0.8,0.9,0.95,0.98");
        }

        return values.ToArray();
    }

    /// <summary>Reports epochs synchronously (unlike Progress&lt;T&gt;, which posts to a thread pool).</summary>
    private sealed class Progress(Action<EpochReport> report) : IProgress<EpochReport>
    {
        public void Report(EpochReport value) => report(value);
    }
}

/// <summary>One target of a sweep: the pruned, fine-tuned model and how it does.</summary>
internal sealed record SweepRun(double Target, PrunedModel Model, PruningResult Removed, (Metrics Test, Metrics? Validation) Metrics, string File);

/// <summary>A sweep's settings, its dense reference and its runs, and the forms it is written in.</summary>
internal sealed record Sweep(string ModelPath, string Dataset, PruningPlan Plan, TrainingOptions FineTuning, PrunedModel Dense, (Metrics Test, Metrics? Validation) DenseMetrics)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public List<SweepRun> Runs { get; } = new();

    /// <summary>The data options the sweep loaded its split with, recorded in every model it writes.</summary>
    public required DataOptions Data { get; init; }

    /// <summary>What a target means: a weight sparsity, or a fraction of neurons.</summary>
    public string TargetName => Plan.Method == PruningMethod.Neuron ? "neuron fraction" : "sparsity";

    public bool Classification => Dense.Task == ModelTask.Classification;

    public string MetricName => Classification ? "accuracy" : "r2";

    /// <summary>Sparsity against the dense model's shape: removed neurons count as removed weights.</summary>
    public double SparsityOf(PrunedModel model) => 1 - ((double)model.Statistics.NonzeroWeights / Dense.Statistics.Weights);

    public static double? MainMetric(Metrics? metrics) => metrics == null ? null : metrics.Accuracy ?? metrics.R2;

    public List<string[]> TableRows()
    {
        var rows = new List<string[]> { new[] { "target", "sparsity", "nonzero weights", "multiply-adds", "validation " + MetricName, "test " + MetricName, "change vs dense" } };
        rows.Add(Row("dense", Dense, DenseMetrics));
        foreach (SweepRun run in Runs)
        {
            rows.Add(Row(run.Target.ToString(Invariant), run.Model, run.Metrics));
        }

        return rows;
    }

    public string Csv()
    {
        var text = new StringBuilder();
        text.Append("target,sparsity,nonzeroWeights,multiplyAdds,validation").Append(Capital(MetricName)).Append(",test").Append(Capital(MetricName)).Append(",change").Append(Classification ? "Points" : string.Empty).Append(",layerSparsities,model\n");
        text.Append(CsvRow("dense", Dense, DenseMetrics, Path.GetFileName(ModelPath)));
        foreach (SweepRun run in Runs)
        {
            text.Append(CsvRow(run.Target.ToString("R", Invariant), run.Model, run.Metrics, run.File));
        }

        return text.ToString();
    }

    public string Json()
    {
        var writer = new StringWriter();
        Reports.WriteJson(writer, json =>
        {
            json.WriteString("model", ModelPath);
            json.WriteString("dataset", Dataset);
            json.WriteString("method", Plan.MethodName);
            json.WriteString("metric", MetricName);
            json.WriteStartObject("settings");
            foreach (KeyValuePair<string, object?> setting in Plan.Settings(FineTuning, null).Where(s => s.Key is not ("sparsity" or "fraction" or "threshold")))
            {
                switch (setting.Value)
                {
                    case null:
                        break;
                    case string s:
                        json.WriteString(setting.Key, s);
                        break;
                    case float f:
                        json.WriteNumber(setting.Key, f);
                        break;
                    default:
                        json.WriteNumber(setting.Key, Convert.ToDouble(setting.Value, Invariant));
                        break;
                }
            }

            json.WriteEndObject();
            json.WriteStartObject("dense");
            WriteRun(json, Dense, DenseMetrics);
            json.WriteEndObject();
            json.WriteStartArray("runs");
            foreach (SweepRun run in Runs)
            {
                json.WriteStartObject();
                json.WriteNumber("target", run.Target);
                json.WriteString("file", run.File);
                WriteRun(json, run.Model, run.Metrics);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        });
        return writer.ToString();
    }

    private void WriteRun(System.Text.Json.Utf8JsonWriter json, PrunedModel model, (Metrics Test, Metrics? Validation) metrics)
    {
        json.WriteNumber("sparsity", SparsityOf(model));
        json.WriteNumber("nonzeroWeights", model.Statistics.NonzeroWeights);
        json.WriteNumber("multiplyAdds", model.Statistics.MultiplyAdds);
        json.WriteString("shape", Reports.Shape(model));
        json.WriteStartObject("test");
        Reports.WriteMetrics(json, metrics.Test);
        json.WriteEndObject();
        if (metrics.Validation != null)
        {
            json.WriteStartObject("validation");
            Reports.WriteMetrics(json, metrics.Validation);
            json.WriteEndObject();
        }

        // Null when R² is undefined (a constant test target), like the metrics themselves.
        Reports.WriteNumberOrNull(json, "change", Change(metrics.Test));
        json.WriteStartArray("layerSparsities");
        foreach (double s in LayerSparsities(model))
        {
            json.WriteNumberValue(s);
        }

        json.WriteEndArray();
    }

    /// <summary>Each layer's sparsity against its dense shape.</summary>
    public IEnumerable<double> LayerSparsities(PrunedModel model)
        => model.Layers.Select((l, k) => 1 - ((double)l.NonzeroCount / Dense.Layers[k].WeightCount));

    /// <summary>The change of the main metric against dense: accuracy points, or R² difference.</summary>
    public double Change(Metrics test) => ((MainMetric(test) ?? double.NaN) - (MainMetric(DenseMetrics.Test) ?? double.NaN)) * (Classification ? 100 : 1);

    private string[] Row(string target, PrunedModel model, (Metrics Test, Metrics? Validation) metrics) => new[]
    {
        target,
        Reports.Percent(SparsityOf(model)),
        model.Statistics.NonzeroWeights.ToString("N0", Invariant),
        model.Statistics.MultiplyAdds.ToString("N0", Invariant),
        MainMetric(metrics.Validation)?.ToString("F4", Invariant) ?? "-",
        MainMetric(metrics.Test)?.ToString("F4", Invariant) ?? "-",
        ReferenceEquals(model, Dense) ? string.Empty
            : double.IsFinite(Change(metrics.Test)) ? Change(metrics.Test).ToString(Classification ? "+0.00;-0.00;0.00" : "+0.0000;-0.0000;0.0000", Invariant) + (Classification ? " points" : string.Empty)
            : "-",
    };

    private string CsvRow(string target, PrunedModel model, (Metrics Test, Metrics? Validation) metrics, string file)
        => string.Join(
            ",",
            target,
            SparsityOf(model).ToString("R", Invariant),
            model.Statistics.NonzeroWeights.ToString(Invariant),
            model.Statistics.MultiplyAdds.ToString(Invariant),
            MainMetric(metrics.Validation)?.ToString("R", Invariant) ?? string.Empty,
            MainMetric(metrics.Test)?.ToString("R", Invariant) ?? string.Empty,
            double.IsFinite(Change(metrics.Test)) ? Change(metrics.Test).ToString("R", Invariant) : string.Empty,
            string.Join(";", LayerSparsities(model).Select(s => s.ToString("R", Invariant))),
            file) + "\n";

    private static string Capital(string name) => char.ToUpperInvariant(name[0]) + name.Substring(1);
}
