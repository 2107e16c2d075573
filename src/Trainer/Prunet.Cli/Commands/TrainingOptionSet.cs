using System.CommandLine;
using Prunet.Training;

namespace Prunet.Cli.Commands;

/// <summary>Optimiser settings, shared by training and fine-tuning.</summary>
internal sealed class TrainingOptionSet
{
    public TrainingOptionSet(string epochsName, int defaultEpochs, string epochsDescription)
    {
        Epochs = new Option<int>(epochsName) { Description = epochsDescription, DefaultValueFactory = _ => defaultEpochs, HelpName = "n" };
    }

    public Option<int> Epochs { get; }

    public Option<int> Batch { get; } = new("--batch") { Description = "Mini-batch size.", DefaultValueFactory = _ => 32, HelpName = "n" };

    public Option<float> LearningRate { get; } = new("--lr") { Description = "Learning rate.", DefaultValueFactory = _ => 1e-3f, HelpName = "rate" };

    public Option<string> Optimizer { get; } = CreateOptimizer();

    public Option<string> LearningRateSchedule { get; } = CreateLearningRateSchedule();

    public Option<float> Momentum { get; } = new("--momentum") { Description = "Momentum of --optimizer sgd.", DefaultValueFactory = _ => 0.9f, HelpName = "m" };

    public Option<int> Seed { get; } = new("--seed")
    {
        Description = "Seed of initialisation, shuffling and the validation split. The same seed gives the same model bytes on the same machine [default: 0; prune and sweep: the seed the model was trained with, so that fine-tuning validates on rows the model never trained on].",
        DefaultValueFactory = _ => 0,
        HelpName = "n",
    };

    public Option<double> ValidationFraction { get; } = new("--validation-fraction")
    {
        Description = "Fraction of the training rows held out for validation: progress and any choice made during training (early stopping) use it, never the test rows [default: 0.1; prune and sweep: the model's own].",
        DefaultValueFactory = _ => 0.1,
        HelpName = "fraction",
    };

    public Option<int> Patience { get; } = new("--patience")
    {
        Description = "Stop when the validation loss has not improved for this many epochs, and keep the best epoch's weights (0: train every epoch, keep the last).",
        DefaultValueFactory = _ => 0,
        HelpName = "epochs",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Epochs);
        command.Options.Add(Batch);
        command.Options.Add(LearningRate);
        command.Options.Add(LearningRateSchedule);
        command.Options.Add(Optimizer);
        command.Options.Add(Momentum);
        command.Options.Add(Seed);
        command.Options.Add(ValidationFraction);
        command.Options.Add(Patience);
    }

    /// <summary>
    /// The options as given. For fine-tuning <paramref name="trained"/>, a seed and validation
    /// fraction not given on the command line are the ones its provenance records: the validation
    /// split depends only on them, so fine-tuning then validates on the rows training held out,
    /// never on rows the model has learnt.
    /// </summary>
    public TrainingOptions Read(ParseResult result, IReadOnlyList<int> hidden, Activation activation, PrunedModel? trained = null)
    {
        int epochs = result.GetValue(Epochs);
        int batch = result.GetValue(Batch);
        float learningRate = result.GetValue(LearningRate);
        double validation = Given(result, ValidationFraction) ? result.GetValue(ValidationFraction) : ModelProvenance.Number(trained, "training", "validationFraction") ?? result.GetValue(ValidationFraction);
        int seed = Given(result, Seed) ? result.GetValue(Seed) : (int?)ModelProvenance.Number(trained, "training", "seed") ?? result.GetValue(Seed);
        if (epochs < 0)
        {
            throw new ArgumentException($"{Epochs.Name} must be at least 0, got {epochs}");
        }

        if (batch < 1)
        {
            throw new ArgumentException($"--batch must be at least 1, got {batch}");
        }

        if (!(learningRate > 0 && float.IsFinite(learningRate)))
        {
            throw new ArgumentException($"--lr must be a positive number, got {learningRate}");
        }

        if (!(validation >= 0 && validation < 1))
        {
            throw new ArgumentException($"--validation-fraction must be at least 0 and below 1, got {validation}");
        }

        OptimizerKind optimizer = result.GetValue(Optimizer) == "sgd" ? OptimizerKind.Sgd : OptimizerKind.Adam;
        return new TrainingOptions(hidden, activation, epochs, batch, learningRate, optimizer, result.GetValue(Momentum), seed, validation, result.GetValue(Patience))
        {
            LearningRateSchedule = result.GetValue(LearningRateSchedule) == "cosine" ? Prunet.Training.LearningRateSchedule.Cosine : Prunet.Training.LearningRateSchedule.Constant,
        };
    }

    private static bool Given(ParseResult result, Option option) => result.GetResult(option) is { Implicit: false };

    private static Option<string> CreateLearningRateSchedule()
    {
        var option = new Option<string>("--lr-schedule")
        {
            Description = "How the learning rate moves over the run: constant, or cosine (decays from --lr to 0 over all planned epochs, so the run ends on small steps).",
            DefaultValueFactory = _ => "constant",
            HelpName = "constant|cosine",
        };
        option.AcceptOnlyFromAmong("constant", "cosine");
        return option;
    }

    private static Option<string> CreateOptimizer()
    {
        var option = new Option<string>("--optimizer") { Description = "adam, or sgd (with momentum).", DefaultValueFactory = _ => "adam", HelpName = "adam|sgd" };
        option.AcceptOnlyFromAmong("adam", "sgd");
        return option;
    }
}
