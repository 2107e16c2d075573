using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Prunet.Data;
using Prunet.Pruning;
using Prunet.Training;

namespace Prunet.Cli.Commands;

/// <summary>What pruning removes: weights (or blocks of them) by magnitude, or whole neurons.</summary>
internal enum PruningMethod
{
    /// <summary><c>--method magnitude</c>.</summary>
    Magnitude,

    /// <summary><c>--method neuron</c>.</summary>
    Neuron,
}

/// <summary>When magnitude pruning happens: once before fine-tuning, or along a schedule during it.</summary>
internal enum ScheduleKind
{
    /// <summary><c>--schedule oneshot</c>.</summary>
    OneShot,

    /// <summary><c>--schedule gradual</c>: <see cref="PolynomialSchedule"/>.</summary>
    Gradual,

    /// <summary><c>--schedule iterative</c>: <see cref="IterativeSchedule"/>.</summary>
    Iterative,
}

/// <summary>Which command the pruning options are for: they share names and meanings, not all of them apply everywhere.</summary>
internal enum PruningOptionUse
{
    /// <summary><c>prune</c>: every option, with one target (--sparsity, --fraction or --threshold).</summary>
    Prune,

    /// <summary><c>sweep</c>: every option but the target, which --sparsities gives, one run per value.</summary>
    Sweep,

    /// <summary><c>train --prune-to</c>: gradual magnitude pruning during training: scope, granularity and timing.</summary>
    Train,
}

/// <summary>
/// The options that say how to prune, shared by <c>prune</c>, <c>sweep</c> and <c>train --prune-to</c>
/// so that each is spelt and checked one way; <see cref="Read"/> turns them into a <see cref="PruningPlan"/>.
/// </summary>
internal sealed class PruningOptionSet
{
    private readonly PruningOptionUse _use;

    public PruningOptionSet(PruningOptionUse use)
    {
        _use = use;
        Method.AcceptOnlyFromAmong("magnitude", "neuron");
        Criterion.AcceptOnlyFromAmong("apoz", "mean-activation", "l1", "l2");
        Scope.AcceptOnlyFromAmong("layer", "global");
        Granularity.AcceptOnlyFromAmong("element", "block");
        Schedule.AcceptOnlyFromAmong("oneshot", "gradual", "iterative");
    }

    public Option<string> Method { get; } = new("--method")
    {
        Description = "magnitude: remove the weights (or blocks) of smallest |w| (Han et al. 2015). neuron: remove whole hidden neurons ranked by --criterion; the model gets smaller shapes.",
        DefaultValueFactory = _ => "magnitude",
        HelpName = "magnitude|neuron",
    };

    public Option<string> Criterion { get; } = new("--criterion")
    {
        Description = "With --method neuron, how neurons are ranked: apoz (share of training rows where the ReLU output is 0, Hu et al. 2016), mean-activation (mean |output| on the training rows; both leave out the validation rows), l1 or l2 (norm of the incoming weights, Li et al. 2017).",
        DefaultValueFactory = _ => "apoz",
        HelpName = "apoz|mean-activation|l1|l2",
    };

    public Option<double?> Sparsity { get; } = new("--sparsity")
    {
        Description = "--method magnitude: target fraction of weights that are zero afterwards (0 to 1), within each layer or over the network (--scope).",
        HelpName = "fraction",
    };

    public Option<double?> Fraction { get; } = new("--fraction")
    {
        Description = "--method neuron: fraction of each hidden layer's neurons to remove, least important first (0 to below 1; the output layer is never pruned, no layer loses its last neuron).",
        HelpName = "fraction",
    };

    public Option<double?> Threshold { get; } = new("--threshold")
    {
        Description = "A threshold on the method's own score. magnitude: every weight with |w| below it goes (a block: its RMS magnitude). neuron: every neuron whose APoZ is at least it, or whose mean activation, L1 or L2 norm is below it.",
        HelpName = "t",
    };

    public Option<string> Scope { get; } = new("--scope")
    {
        Description = "With a target sparsity: global (all weights ranked together; layers end up with different sparsities, the small output layer usually less sparse) or layer (every layer reaches the target).",
        DefaultValueFactory = _ => "global",
        HelpName = "layer|global",
    };

    public Option<string> Granularity { get; } = new("--granularity")
    {
        Description = "element: single weights. block: aligned blocks of --block consecutive outputs sharing one input, kept or removed whole (ranked by RMS magnitude); the block size is recorded in the model, so generated SIMD code can skip whole vectors.",
        DefaultValueFactory = _ => "element",
        HelpName = "element|block",
    };

    public Option<int> Block { get; } = new("--block")
    {
        Description = $"With --granularity block: outputs per block. {MagnitudePruningOptions.DefaultBlockSize} is one Vector256<float>; a layer with fewer outputs uses its whole column.",
        DefaultValueFactory = _ => MagnitudePruningOptions.DefaultBlockSize,
        HelpName = "n",
    };

    public Option<string> Schedule { get; } = new("--schedule")
    {
        Description = "oneshot: prune once, then fine-tune. gradual: prune during fine-tuning along Zhu and Gupta's cubic schedule. iterative: prune and retrain in rounds that each remove the same share of the remaining weights (Han et al. 2015).",
        DefaultValueFactory = _ => "oneshot",
        HelpName = "oneshot|gradual|iterative",
    };

    public Option<int?> BeginStep { get; } = new("--begin-step")
    {
        Description = "gradual/iterative: the optimizer step (mini-batch, from 0) of the first pruning [default: 0].",
        HelpName = "step",
    };

    public Option<int?> EndStep { get; } = new("--end-step")
    {
        Description = "gradual/iterative: the step of the last pruning, after which training goes on at the final sparsity [default: a third of the run's steps, chosen on Fashion-MNIST's validation rows (docs/pruning.md)].",
        HelpName = "step",
    };

    public Option<int?> Frequency { get; } = new("--frequency")
    {
        Description = "gradual/iterative: steps between prunings [default: a tenth of an epoch for gradual, one epoch for iterative].",
        HelpName = "steps",
    };

    public void AddTo(Command command)
    {
        if (_use != PruningOptionUse.Train)
        {
            command.Options.Add(Method);
            command.Options.Add(Criterion);
        }

        if (_use == PruningOptionUse.Prune)
        {
            command.Options.Add(Sparsity);
            command.Options.Add(Fraction);
            command.Options.Add(Threshold);
        }

        command.Options.Add(Scope);
        command.Options.Add(Granularity);
        command.Options.Add(Block);
        if (_use != PruningOptionUse.Train)
        {
            command.Options.Add(Schedule);
        }

        command.Options.Add(BeginStep);
        command.Options.Add(EndStep);
        command.Options.Add(Frequency);
    }

    /// <summary>
    /// Reports options that do not fit together, as parse errors (before any work). For
    /// <c>train</c>, <paramref name="enabled"/> says whether --prune-to was given.
    /// </summary>
    public void Validate(CommandResult result, bool enabled = true)
    {
        if (_use == PruningOptionUse.Train)
        {
            if (!enabled)
            {
                foreach (Option option in new Option[] { Scope, Granularity, Block, BeginStep, EndStep, Frequency })
                {
                    if (Given(result, option))
                    {
                        result.AddError($"{option.Name} applies to pruning during training: give --prune-to too");
                        return;
                    }
                }

                return;
            }
        }

        bool neuron = _use != PruningOptionUse.Train && Value(result, Method, "magnitude") == "neuron";
        string schedule = Value(result, Schedule, "oneshot");
        if (_use == PruningOptionUse.Prune)
        {
            bool sparsity = Given(result, Sparsity), fraction = Given(result, Fraction), threshold = Given(result, Threshold);
            if (neuron && sparsity)
            {
                result.AddError("--sparsity is for weights: neuron pruning removes a fraction of each layer's neurons (--fraction) or those past a --threshold on the criterion");
                return;
            }

            if (!neuron && fraction)
            {
                result.AddError("--fraction is for --method neuron: magnitude pruning takes a target --sparsity or a --threshold on |w|");
                return;
            }

            if ((neuron ? fraction : sparsity) == threshold)
            {
                result.AddError(neuron ? "neuron pruning needs exactly one of --fraction and --threshold" : "prune needs exactly one of --sparsity and --threshold");
                return;
            }

            if (threshold && Given(result, Scope))
            {
                result.AddError("--scope applies to --sparsity only: a threshold is the same for every layer");
                return;
            }

            if (threshold && schedule != "oneshot")
            {
                result.AddError($"--schedule {schedule} ramps up to a target --sparsity; a --threshold prunes once");
                return;
            }
        }

        if (!neuron && Given(result, Criterion))
        {
            result.AddError("--criterion applies to --method neuron");
            return;
        }

        if (neuron)
        {
            foreach (Option option in new Option[] { Scope, Granularity, Block, Schedule })
            {
                if (Given(result, option))
                {
                    result.AddError($"{option.Name} applies to --method magnitude; neuron pruning removes whole neurons, once (prune again with --method magnitude to prune the weights of what remains)");
                    return;
                }
            }
        }

        if (Given(result, Block) && Value(result, Granularity, "element") != "block")
        {
            result.AddError("--block applies to --granularity block");
            return;
        }

        if (Number(result, Block) is int block && block < 1)
        {
            result.AddError($"--block must be at least 1 output, got {block}");
            return;
        }

        bool scheduled = _use == PruningOptionUse.Train || (!neuron && schedule != "oneshot");
        if (!scheduled)
        {
            foreach (Option option in new Option[] { BeginStep, EndStep, Frequency })
            {
                if (Given(result, option))
                {
                    result.AddError($"{option.Name} applies to --schedule gradual or iterative");
                    return;
                }
            }

            return;
        }

        // The schedule's own checks, in the options' names; whether it ends within the run is
        // known only with the data (PruningPlan.Gradual).
        int? begin = Number(result, BeginStep), end = Number(result, EndStep), frequency = Number(result, Frequency);
        if (begin < 0)
        {
            result.AddError($"--begin-step must be at least 0, got {begin}");
        }
        else if (end < (begin ?? 0))
        {
            result.AddError($"--end-step ({end}) must not come before --begin-step ({begin ?? 0})");
        }
        else if (frequency < 1)
        {
            result.AddError($"--frequency must be at least 1 step, got {frequency}");
        }
    }

    /// <summary>The plan the options describe; <paramref name="target"/> is --prune-to for <c>train</c>, and null elsewhere.</summary>
    public PruningPlan Read(ParseResult result, double? target = null)
    {
        var magnitude = new MagnitudePruningOptions(
            Scope: result.GetValue(Scope) == "layer" ? PruningScope.Layer : PruningScope.Global,
            Granularity: result.GetValue(Granularity) == "block" ? PruningGranularity.Block : PruningGranularity.Element,
            BlockSize: result.GetValue(Block));
        PruningMethod method = _use != PruningOptionUse.Train && result.GetValue(Method) == "neuron" ? PruningMethod.Neuron : PruningMethod.Magnitude;
        ScheduleKind schedule = _use == PruningOptionUse.Train ? ScheduleKind.Gradual : result.GetValue(Schedule) switch
        {
            "gradual" => ScheduleKind.Gradual,
            "iterative" => ScheduleKind.Iterative,
            _ => ScheduleKind.OneShot,
        };
        NeuronCriterion criterion = result.GetValue(Criterion) switch
        {
            "mean-activation" => NeuronCriterion.MeanActivation,
            "l1" => NeuronCriterion.L1,
            "l2" => NeuronCriterion.L2,
            _ => NeuronCriterion.Apoz,
        };
        var plan = new PruningPlan(method, magnitude, criterion, method == PruningMethod.Neuron ? ScheduleKind.OneShot : schedule, result.GetValue(BeginStep), result.GetValue(EndStep), result.GetValue(Frequency));
        if (_use == PruningOptionUse.Prune)
        {
            double? threshold = result.GetValue(Threshold);
            return threshold is double t ? plan.WithThreshold(t) : plan.WithTarget((method == PruningMethod.Neuron ? result.GetValue(Fraction) : result.GetValue(Sparsity))!.Value);
        }

        return target is double value ? plan.WithTarget(value) : plan;
    }

    private static bool Given(CommandResult result, Option option) => result.GetResult(option) is { Implicit: false };

    // The number typed for an option, or null when it was not given or is not a number (that is
    // the option's own error to report).
    private static int? Number(CommandResult result, Option option)
        => result.GetResult(option) is { Implicit: false, Tokens.Count: > 0 } given && int.TryParse(given.Tokens[0].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : null;

    // A validator sees only what was typed: an option left out has no value yet, so its default is
    // spelt here; and a value its own option refuses (--method random) is that option's error to report.
    private static string Value(CommandResult result, Option<string> option, string fallback)
        => result.GetResult(option) is { Implicit: false, Tokens.Count: > 0 } given ? given.Tokens[0].Value : fallback;
}

/// <summary>
/// One way to prune a model and fine-tune it: the method and its target, and for magnitude
/// pruning the schedule. <see cref="Run"/> is what <c>prune</c> does once and <c>sweep</c> once per
/// target.
/// </summary>
/// <param name="Method">Weights by magnitude, or whole neurons.</param>
/// <param name="Magnitude">Scope, granularity and block size; with a target, its sparsity or threshold.</param>
/// <param name="Criterion">The neuron criterion.</param>
/// <param name="Schedule">One-shot, gradual or iterative (always one-shot for neurons).</param>
/// <param name="BeginStep">The schedule's first step, or null for the default.</param>
/// <param name="EndStep">The schedule's last step, or null for the default.</param>
/// <param name="Frequency">Steps between prunings, or null for the default.</param>
internal sealed record PruningPlan(PruningMethod Method, MagnitudePruningOptions Magnitude, NeuronCriterion Criterion, ScheduleKind Schedule, int? BeginStep, int? EndStep, int? Frequency)
{
    /// <summary>The method as the command line and provenance spell it: <c>magnitude</c> or <c>neuron</c>.</summary>
    public string MethodName => Method == PruningMethod.Neuron ? "neuron" : "magnitude";

    /// <summary>The schedule as the command line and provenance spell it: <c>oneshot</c>, <c>gradual</c> or <c>iterative</c>.</summary>
    public string ScheduleName => Schedule.ToString().ToLowerInvariant();

    /// <summary>Neuron pruning's fraction, or threshold, when the method is neuron.</summary>
    public NeuronPruningOptions? Neuron { get; init; }

    /// <summary>The target: a sparsity for magnitude pruning, a fraction of each layer's neurons for neuron pruning.</summary>
    public PruningPlan WithTarget(double value) => Method == PruningMethod.Neuron
        ? this with { Neuron = new NeuronPruningOptions(Criterion, Fraction: value) }
        : this with { Magnitude = Magnitude with { Sparsity = value, Threshold = null } };

    /// <summary>A threshold on the method's score instead of a target.</summary>
    public PruningPlan WithThreshold(double value) => Method == PruningMethod.Neuron
        ? this with { Neuron = new NeuronPruningOptions(Criterion, Threshold: value) }
        : this with { Magnitude = Magnitude with { Sparsity = null, Threshold = (float)value } };

    /// <summary>
    /// The schedule for pruning during a run of <paramref name="options"/> on <paramref name="train"/>
    /// to <paramref name="sparsity"/>, with the defaults filled in from the run's length: the first
    /// pruning at step 0, the last after a third of the steps, so that two thirds of the run train
    /// at the final sparsity (on Fashion-MNIST's validation rows this beat ending at the last epoch:
    /// docs/pruning.md), every tenth of an epoch (gradual) or every epoch (iterative).
    /// </summary>
    public GradualPruning Gradual(Dataset train, TrainingOptions options, double sparsity)
    {
        (int perEpoch, long total) = ModelTrainer.CountSteps(train, options);
        int begin = BeginStep ?? 0;
        int end = EndStep ?? (int)Math.Max(begin, total / 3);
        if (end >= total)
        {
            // Without --end-step the end is a third of the run or --begin-step, whichever is later.
            string given = EndStep.HasValue ? "--end-step " + EndStep : BeginStep.HasValue ? "--begin-step " + BeginStep : "the schedule";
            throw new ArgumentException(total == 0
                ? $"{given} prunes during a run that has no steps ({options.Epochs} epochs)"
                : string.Format(CultureInfo.InvariantCulture, "{0} is past the run's last step, {1}: the run has {2} steps ({3} {4} of {5} mini-batches), numbered from 0", given, total - 1, total, options.Epochs, options.Epochs == 1 ? "epoch" : "epochs", perEpoch));
        }

        int frequency = Frequency ?? (Schedule == ScheduleKind.Iterative ? perEpoch : Math.Max(1, perEpoch / 10));
        SparsitySchedule schedule = Schedule == ScheduleKind.Iterative
            ? new IterativeSchedule(sparsity, begin, end, frequency)
            : new PolynomialSchedule(0, sparsity, begin, end, frequency);
        return new GradualPruning(schedule, Magnitude with { Sparsity = null, Threshold = null });
    }

    /// <summary>
    /// Prunes <paramref name="model"/> and fine-tunes it on <paramref name="train"/>. Neuron
    /// criteria calibrate on the rows fine-tuning fits, never on the ones it holds out for
    /// validation, so that the validation metric stays a measure on unseen rows. One-shot pruning
    /// happens before fine-tuning; a gradual or iterative schedule prunes during it.
    /// </summary>
    public PruningOutcome Run(PrunedModel model, Dataset train, TrainingOptions fineTuning, IProgress<EpochReport>? progress)
    {
        if (Method == PruningMethod.Neuron)
        {
            PruningResult removed = NeuronPruner.Prune(model, Neuron!, ModelTrainer.FitSet(train, fineTuning));
            PrunedModel tuned = fineTuning.Epochs > 0 ? ModelTrainer.FineTune(removed.Model, train, fineTuning, progress) : removed.Model;
            return new PruningOutcome(removed, removed.Model, tuned, null);
        }

        if (Schedule == ScheduleKind.OneShot)
        {
            PruningResult removed = MagnitudePruner.Prune(model, Magnitude);
            PrunedModel tuned = fineTuning.Epochs > 0 ? ModelTrainer.FineTune(removed.Model, train, fineTuning, progress) : removed.Model;
            return new PruningOutcome(removed, removed.Model, tuned, null);
        }

        if (fineTuning.Epochs < 1)
        {
            throw new ArgumentException($"--schedule {ScheduleName} prunes while fine-tuning, so it needs --finetune-epochs of at least 1");
        }

        GradualPruning gradual = Gradual(train, fineTuning, Magnitude.Sparsity!.Value);
        PrunedModel result = ModelTrainer.FineTune(model, train, fineTuning with { Pruning = gradual }, progress);
        var layers = model.Layers.Select((l, k) => new LayerPruning(k, l.WeightCount, l.WeightCount - l.NonzeroCount, result.Layers[k].WeightCount - result.Layers[k].NonzeroCount)).ToArray();
        return new PruningOutcome(new PruningResult(result, layers), null, result, gradual);
    }

    /// <summary>The settings provenance records for this plan and its fine-tuning.</summary>
    public Dictionary<string, object?> Settings(TrainingOptions fineTuning, GradualPruning? gradual)
    {
        var settings = new Dictionary<string, object?>();
        if (Method == PruningMethod.Neuron)
        {
            settings["criterion"] = Criterion switch
            {
                NeuronCriterion.MeanActivation => "mean-activation",
                NeuronCriterion.L1 => "l1",
                NeuronCriterion.L2 => "l2",
                _ => "apoz",
            };
            settings["fraction"] = Neuron?.Fraction;
            settings["threshold"] = Neuron?.Threshold;
        }
        else if (gradual != null)
        {
            foreach (KeyValuePair<string, object?> entry in gradual.Describe())
            {
                settings[entry.Key] = entry.Value;
            }
        }
        else
        {
            settings["sparsity"] = Magnitude.Sparsity;
            settings["threshold"] = Magnitude.Threshold;
            settings["scope"] = Magnitude.Sparsity.HasValue ? Magnitude.Scope.ToString().ToLowerInvariant() : null;
            settings["granularity"] = Magnitude.Granularity.ToString().ToLowerInvariant();
            settings["blockSize"] = Magnitude.Granularity == PruningGranularity.Block ? Magnitude.BlockSize : null;
            settings["schedule"] = ScheduleName;
        }

        settings["finetuneEpochs"] = fineTuning.Epochs;
        settings["optimizer"] = fineTuning.Optimizer.ToString().ToLowerInvariant();
        settings["learningRate"] = fineTuning.LearningRate;
        settings["lrSchedule"] = fineTuning.LearningRateSchedule.ToString().ToLowerInvariant();
        settings["batch"] = fineTuning.BatchSize;
        settings["seed"] = fineTuning.Seed;
        settings["validationFraction"] = fineTuning.ValidationFraction;
        return settings;
    }
}

/// <summary>What running a <see cref="PruningPlan"/> produced.</summary>
/// <param name="Removed">What was removed, per layer, against the model before pruning; its model is the pruned one.</param>
/// <param name="AtOnce">The model right after one-shot pruning, before fine-tuning; null when pruning happened during fine-tuning.</param>
/// <param name="Tuned">The final model.</param>
/// <param name="Gradual">The schedule that pruned during fine-tuning, with its defaults resolved; null for one-shot.</param>
internal sealed record PruningOutcome(PruningResult Removed, PrunedModel? AtOnce, PrunedModel Tuned, GradualPruning? Gradual);
