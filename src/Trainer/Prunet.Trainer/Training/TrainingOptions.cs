using Prunet.Pruning;

namespace Prunet.Training;

/// <summary>How parameters follow their gradients.</summary>
public enum OptimizerKind
{
    /// <summary>Adam with bias correction (β1 0.9, β2 0.999, ε 1e-8).</summary>
    Adam,

    /// <summary>Stochastic gradient descent with momentum <see cref="TrainingOptions.Momentum"/>.</summary>
    Sgd,
}

/// <summary>How the learning rate moves over a run.</summary>
public enum LearningRateSchedule
{
    /// <summary>The same rate at every step.</summary>
    Constant,

    /// <summary>
    /// Cosine decay (Loshchilov and Hutter 2017, without restarts): <c>lr_t = lr · (1 + cos(π t / T)) / 2</c>
    /// over the T steps of all planned epochs, from the full rate to 0. It lets fine-tuning after
    /// pruning settle into a minimum instead of ending on a large step.
    /// </summary>
    Cosine,
}

/// <summary>How to train (or fine-tune) a network.</summary>
/// <param name="Hidden">Neurons per hidden layer, first to last; empty for a single layer (a linear or logistic model).</param>
/// <param name="Activation">The hidden layers' activation (not softmax).</param>
/// <param name="Epochs">Passes over the training rows.</param>
/// <param name="BatchSize">Rows per gradient step.</param>
/// <param name="LearningRate">Step size.</param>
/// <param name="Optimizer">Adam or SGD.</param>
/// <param name="Momentum">SGD's momentum in [0, 1); Adam ignores it.</param>
/// <param name="Seed">Fixes initial weights, the validation rows and the order of rows: the same seed gives the same model.</param>
/// <param name="ValidationFraction">Fraction of the training rows held out to report validation loss and choose the stopping epoch, in [0, 1).</param>
/// <param name="Patience">
/// Early stopping: stop after this many epochs without a lower validation loss and return the
/// best epoch's weights. 0 trains every epoch and returns the last.
/// </param>
public sealed record TrainingOptions(
    IReadOnlyList<int> Hidden,
    Activation Activation = Activation.Relu,
    int Epochs = 20,
    int BatchSize = 32,
    float LearningRate = 1e-3f,
    OptimizerKind Optimizer = OptimizerKind.Adam,
    float Momentum = 0.9f,
    int Seed = 0,
    double ValidationFraction = 0.1,
    int Patience = 0)
{
    /// <summary>The negative-side slope of <see cref="Prunet.Activation.LeakyRelu"/> hidden layers (PyTorch's default).</summary>
    public float LeakyReluAlpha { get; init; } = 0.01f;

    /// <summary>How the learning rate changes from step to step (constant by default).</summary>
    public LearningRateSchedule LearningRateSchedule { get; init; } = LearningRateSchedule.Constant;

    /// <summary>
    /// Magnitude pruning during the run, following a schedule (Zhu and Gupta's gradual one, or
    /// Han et al.'s iterative one); null for none. Early stopping only considers epochs that end
    /// after the schedule's last pruning, so the model returned always has the final sparsity.
    /// </summary>
    public GradualPruning? Pruning { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate(bool needHidden = true)
    {
        if (needHidden)
        {
            if (Hidden == null)
            {
                throw new ArgumentException("Hidden must be a list of layer sizes (empty for no hidden layer)", nameof(Hidden));
            }

            for (int k = 0; k < Hidden.Count; k++)
            {
                if (Hidden[k] < 1)
                {
                    throw new ArgumentException("hidden layer " + (k + 1) + " has " + Hidden[k] + " neurons; each needs at least 1", nameof(Hidden));
                }
            }

            if (Activation == Activation.Softmax || !Enum.IsDefined(Activation))
            {
                throw new ArgumentException("hidden layers cannot use " + Activation + " (softmax is only the last layer of a classifier)", nameof(Activation));
            }
        }

        Check(Epochs >= 1, nameof(Epochs), "at least 1", Epochs);
        Check(BatchSize >= 1, nameof(BatchSize), "at least 1", BatchSize);
        Check(float.IsFinite(LearningRate) && LearningRate > 0, nameof(LearningRate), "a positive number", LearningRate);
        Check(Momentum >= 0 && Momentum < 1, nameof(Momentum), "in [0, 1)", Momentum);
        Check(ValidationFraction >= 0 && ValidationFraction < 1, nameof(ValidationFraction), "in [0, 1)", ValidationFraction);
        Check(Patience >= 0, nameof(Patience), "0 (no early stopping) or more", Patience);
        Check(float.IsFinite(LeakyReluAlpha), nameof(LeakyReluAlpha), "finite", LeakyReluAlpha);
        if (!Enum.IsDefined(Optimizer))
        {
            throw new ArgumentException("unknown optimizer " + (int)Optimizer, nameof(Optimizer));
        }

        if (!Enum.IsDefined(LearningRateSchedule))
        {
            throw new ArgumentException("unknown learning-rate schedule " + (int)LearningRateSchedule, nameof(LearningRateSchedule));
        }

        Pruning?.Validate();
    }

    private static void Check(bool ok, string name, string expected, object value)
    {
        if (!ok)
        {
            throw new ArgumentException(name + " must be " + expected + ", not " + value, name);
        }
    }
}

/// <summary>What one epoch achieved.</summary>
/// <param name="Epoch">1-based number of this epoch.</param>
/// <param name="Epochs">Epochs planned (early stopping may end sooner).</param>
/// <param name="TrainLoss">Mean loss over the epoch's mini-batches, each taken before its update (cross-entropy, or MSE of standardised targets).</param>
/// <param name="ValidationLoss">The same loss on the validation rows after the epoch; NaN without validation rows.</param>
/// <param name="ValidationMetric">Accuracy (classification) or R² (regression) on the validation rows; NaN without validation rows.</param>
/// <param name="MetricName"><c>accuracy</c> or <c>r2</c>.</param>
/// <param name="Seconds">Wall-clock time of the epoch, validation included.</param>
public sealed record EpochReport(int Epoch, int Epochs, double TrainLoss, double ValidationLoss, double ValidationMetric, string MetricName, double Seconds)
{
    /// <summary>With pruning during the run: the fraction of all weights that are zero at the end of the epoch; else null.</summary>
    public double? Sparsity { get; init; }
}
