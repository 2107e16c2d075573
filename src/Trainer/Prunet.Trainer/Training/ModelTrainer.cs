using System.Diagnostics;
using System.Runtime.CompilerServices;
using Prunet.Data;
using Prunet.Pruning;

namespace Prunet.Training;

/// <summary>Trains dense networks from datasets, and fine-tunes pruned ones without reviving pruned weights.</summary>
public static class ModelTrainer
{
    /// <summary>
    /// Trains a new network: standardises the features (preprocessing shift = mean, scale = 1/std,
    /// 1 for constant features) and, for regression, the target (postprocessing scale = std,
    /// shift = mean), from the rows it fits; trains with mini-batches; returns a model with
    /// preprocessing, postprocessing, input names, labels and provenance set. A classifier's last
    /// layer is softmax (trained as logits with cross-entropy), a regressor's is linear (MSE).
    /// <see cref="TrainingOptions.ValidationFraction"/> of <paramref name="train"/> (stratified by class)
    /// is held out for validation, and any choice, such as the early-stopping epoch, is made on it:
    /// test rows never enter. The same seed gives the same model, byte for byte, on one machine.
    /// </summary>
    /// <exception cref="ArgumentException">Options out of range, or data a network cannot be trained on.</exception>
    /// <exception cref="InvalidOperationException">Training diverged (the loss became NaN or infinite).</exception>
    public static PrunedModel Train(Dataset train, TrainingOptions options, IProgress<EpochReport>? progress = null)
        => Train(train, options, progress, MatrixMultiply.Default);

    /// <summary>
    /// Trains on from an existing model (its preprocessing, postprocessing, names and provenance
    /// kept) on <paramref name="train"/>, with every weight that is zero in <paramref name="model"/>
    /// held at exactly zero through every update: its gradient, the weight itself and the
    /// optimizer's state for it are masked. Uses the options' epochs, batch size, learning rate,
    /// optimizer, momentum, seed, validation fraction and patience; <see cref="TrainingOptions.Hidden"/>
    /// and the activation are the model's.
    /// </summary>
    /// <exception cref="ArgumentException">The data does not fit the model, or options are out of range.</exception>
    /// <exception cref="InvalidOperationException">Training diverged.</exception>
    public static PrunedModel FineTune(PrunedModel model, Dataset train, TrainingOptions options, IProgress<EpochReport>? progress = null)
        => FineTune(model, train, options, progress, MatrixMultiply.Default);

    /// <summary>
    /// The optimizer steps a run of <paramref name="options"/> on <paramref name="train"/> takes: per
    /// epoch (mini-batches over the rows left after the validation split) and in all. A pruning
    /// schedule is given in these steps.
    /// </summary>
    public static (int PerEpoch, long Total) CountSteps(Dataset train, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        (int[] fitRows, _) = ValidationSplit(train, options);
        int batchSize = Math.Max(1, Math.Min(options.BatchSize, fitRows.Length));
        int perEpoch = (fitRows.Length + batchSize - 1) / batchSize;
        return (perEpoch, (long)perEpoch * options.Epochs);
    }

    /// <summary>
    /// The rows of <paramref name="train"/> that a run with <paramref name="options"/> holds out for
    /// validation (they depend on the seed and the fraction only), so that a model can be measured
    /// on them afterwards, as every choice should be, instead of on the test rows.
    /// </summary>
    public static Dataset ValidationSet(Dataset train, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        return train.Subset(ValidationSplit(train, options).Validation);
    }

    /// <summary>
    /// The rows of <paramref name="train"/> that a run with <paramref name="options"/> fits, the
    /// complement of <see cref="ValidationSet"/>: what anything chosen from training data before
    /// such a run (a neuron criterion's calibration) may look at, so that the run's validation rows
    /// stay unseen.
    /// </summary>
    public static Dataset FitSet(Dataset train, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        return train.Subset(ValidationSplit(train, options).Fit);
    }

    internal static PrunedModel Train(Dataset train, TrainingOptions options, IProgress<EpochReport>? progress, MatrixMultiply matmul)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        CheckTrainable(train);
        (int[] fitRows, int[] validationRows) = ValidationSplit(train, options);
        InputPreprocessing preprocessing = Standardisation.Features(train, fitRows);
        OutputPostprocessing? postprocessing = train.Task == ModelTask.Regression ? Standardisation.Target(train, fitRows) : null;

        int outputs = train.Task == ModelTask.Classification ? train.ClassNames!.Count : 1;
        int[] sizes = new[] { train.Features }.Concat(options.Hidden).Append(outputs).ToArray();
        var layers = new TrainableLayer[sizes.Length - 1];
        var random = new SplitMix64(options.Seed, RandomStreams.Initialisation);
        for (int k = 0; k < layers.Length; k++)
        {
            bool last = k == layers.Length - 1;
            Activation activation = last ? Activation.Linear : options.Activation;
            float alpha = activation == Activation.LeakyRelu ? options.LeakyReluAlpha : 0f;
            layers[k] = new TrainableLayer(sizes[k], sizes[k + 1], activation, alpha, InitialWeights(sizes[k], sizes[k + 1], activation, random), new float[sizes[k + 1]]);
        }

        var network = new Network(layers, matmul);
        int epochs = Fit(network, Rows(train, fitRows, preprocessing, postprocessing), Rows(train, validationRows, preprocessing, postprocessing), options, progress);

        Activation lastActivation = train.Task == ModelTask.Classification ? Activation.Softmax : Activation.Linear;
        DenseLayer[] exported = layers.Select((l, k) => Export(l, k == layers.Length - 1 ? lastActivation : l.Activation, options.Pruning?.Method.BlockSizeFor(l.OutputSize) ?? 1)).ToArray();
        return new PrunedModel(train.Task, exported, preprocessing, postprocessing, train.FeatureNames, train.ClassNames, Provenance(train, options, epochs));
    }

    internal static PrunedModel FineTune(PrunedModel model, Dataset train, TrainingOptions options, IProgress<EpochReport>? progress, MatrixMultiply matmul)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(needHidden: false);
        CheckTrainable(train);
        CheckFits(model, train);
        (int[] fitRows, int[] validationRows) = ValidationSplit(train, options);

        Network network = ToNetwork(model, matmul);
        Fit(network, Rows(train, fitRows, model.Preprocessing, model.Postprocessing), Rows(train, validationRows, model.Preprocessing, model.Postprocessing), options, progress);

        // The mask held the pruning pattern, so the granularity it was pruned at still holds,
        // unless pruning during the run set a new one.
        return model.WithLayers(network.Layers.Select((l, k) => Export(l, model.Layers[k].Activation, options.Pruning?.Method.BlockSizeFor(l.OutputSize) ?? model.Layers[k].BlockSize)).ToArray());
    }

    /// <summary>
    /// The model as a network to train or run with the training kernels: a copy of its weights,
    /// with every zero weight masked (held at zero), and softmax as linear logits.
    /// </summary>
    internal static Network ToNetwork(PrunedModel model, MatrixMultiply matmul)
    {
        var layers = new TrainableLayer[model.Layers.Count];
        for (int k = 0; k < layers.Length; k++)
        {
            DenseLayer layer = model.Layers[k];

            // Softmax is fused into the loss, so the network trains on the logits below it.
            Activation activation = layer.Activation == Activation.Softmax ? Activation.Linear : layer.Activation;
            float[] weights = layer.CopyWeights();
            layers[k] = new TrainableLayer(layer.InputSize, layer.OutputSize, activation, layer.Alpha, weights, layer.CopyBias())
            {
                Mask = PruningMask.FromZeros(weights),
            };
        }

        return new Network(layers, matmul);
    }

    /// <summary>Trains for the options' epochs (or until early stopping) and returns how many epochs ran.</summary>
    private static int Fit(Network network, TrainingRows fit, TrainingRows validation, TrainingOptions options, IProgress<EpochReport>? progress)
    {
        if (options.Patience > 0 && validation.Count == 0)
        {
            throw new ArgumentException("early stopping (Patience " + options.Patience + ") needs validation rows; ValidationFraction " + options.ValidationFraction + " of " + (fit.Count + validation.Count) + " rows leaves none", nameof(options));
        }

        Optimizer optimizer = Optimizer.Create(network, options.Optimizer, options.LearningRate, options.Momentum, network.MaxThreads);
        var shuffle = new SplitMix64(options.Seed, RandomStreams.Shuffle);
        int batchSize = Math.Min(options.BatchSize, fit.Count);
        int[] order = Enumerable.Range(0, fit.Count).ToArray();
        var batch = new TrainingRows(new float[batchSize * fit.Features], fit.Features, fit.Labels == null ? null : new int[batchSize], fit.Targets == null ? null : new float[batchSize]);
        var dOutput = new float[batchSize * network.OutputSize];
        string metricName = fit.Labels != null ? "accuracy" : "r2";

        int stepsPerEpoch = (fit.Count + batchSize - 1) / batchSize;
        long totalSteps = (long)stepsPerEpoch * options.Epochs;
        GradualPruning? pruning = options.Pruning;
        if (pruning != null && pruning.Schedule.EndStep >= totalSteps)
        {
            throw new ArgumentException("the pruning schedule's EndStep is " + pruning.Schedule.EndStep + ", but the run has only " + totalSteps + " steps (" + options.Epochs + " epochs of " + stepsPerEpoch + " mini-batches), numbered from 0", nameof(options));
        }

        int step = 0;
        void BeforeStep()
        {
            if (options.LearningRateSchedule == LearningRateSchedule.Cosine)
            {
                optimizer.LearningRate = (float)(options.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * step / totalSteps)));
            }

            if (pruning != null && pruning.Schedule.PrunesAt(step))
            {
                PruneTo(network, pruning, pruning.Schedule.SparsityAt(step));
                pruning.Observer?.Invoke(step, network.Layers.Select(l => (float[])l.Weights.Clone()).ToArray());
            }

            step++;
        }

        double bestLoss = double.PositiveInfinity;
        float[][]? best = null;
        int sinceBest = 0;
        int epoch = 0;
        while (epoch < options.Epochs)
        {
            epoch++;
            var clock = Stopwatch.StartNew();
            shuffle.Shuffle(order.AsSpan());
            double trainLoss = Epoch(network, optimizer, fit, order, batch, dOutput, BeforeStep);
            if (!double.IsFinite(trainLoss))
            {
                throw new InvalidOperationException("training diverged in epoch " + epoch + ": the training loss is " + trainLoss + " (try a lower learning rate)");
            }

            (double validationLoss, double metric) = Measure(network, validation);
            progress?.Report(new EpochReport(epoch, options.Epochs, trainLoss, validationLoss, metric, metricName, clock.Elapsed.TotalSeconds)
            {
                Sparsity = pruning == null ? null : network.Sparsity,
            });

            // While the schedule still prunes, a better epoch would be a less sparse model: not a candidate.
            bool scheduleDone = pruning == null || step > pruning.Schedule.EndStep;
            if (options.Patience > 0 && scheduleDone)
            {
                if (validationLoss < bestLoss)
                {
                    bestLoss = validationLoss;
                    best = network.SaveParameters();
                    sinceBest = 0;
                }
                else if (++sinceBest >= options.Patience)
                {
                    break;
                }
            }
        }

        if (best != null)
        {
            network.RestoreParameters(best);
        }

        return epoch;
    }

    // One pass over the rows in the given order, a gradient step per mini-batch; the mean loss
    // of the batches, each measured before its step.
    private static double Epoch(Network network, Optimizer optimizer, TrainingRows fit, int[] order, TrainingRows batch, float[] dOutput, Action beforeStep)
    {
        int batchSize = batch.Count;
        double lossSum = 0;
        for (int start = 0; start < fit.Count; start += batchSize)
        {
            beforeStep();
            int rows = Math.Min(batchSize, fit.Count - start);
            fit.Gather(order.AsSpan(start, rows), batch);
            ReadOnlySpan<float> output = network.Forward(batch.X, rows);
            lossSum += Loss(output, batch, rows, dOutput) * rows;
            network.Backward(batch.X, rows, dOutput);
            optimizer.Step();
        }

        return lossSum / fit.Count;
    }

    /// <summary>
    /// Zeroes the network's weights of smallest magnitude up to <paramref name="sparsity"/> and
    /// holds them at zero from now on. Weights pruned earlier are zero, so they rank first and stay
    /// pruned: the mask only ever grows.
    /// </summary>
    private static void PruneTo(Network network, GradualPruning pruning, double sparsity)
    {
        float[][] weights = network.Layers.Select(l => l.Weights).ToArray();
        int[] inputs = network.Layers.Select(l => l.InputSize).ToArray();
        MagnitudePruner.ZeroSmallest(weights, inputs, sparsity, pruning.Method);
        foreach (TrainableLayer layer in network.Layers)
        {
            layer.Mask = PruningMask.FromZeros(layer.Weights);
        }
    }

    // The batch's mean loss; its gradient with respect to the network's outputs goes to dOutput.
    private static double Loss(ReadOnlySpan<float> output, TrainingRows batch, int rows, Span<float> dOutput)
    {
        if (batch.Labels != null)
        {
            int classes = output.Length / rows;
            SoftmaxCrossEntropy.Gradient(output, batch.Labels, rows, classes, dOutput);
            return SoftmaxCrossEntropy.Loss(output, batch.Labels, rows, classes);
        }

        ReadOnlySpan<float> targets = batch.Targets.AsSpan(0, rows);
        MeanSquaredError.Gradient(output, targets, dOutput);
        return MeanSquaredError.Loss(output, targets);
    }

    /// <summary>Loss and accuracy (or R²) of the network on prepared rows; NaN for no rows.</summary>
    internal static (double Loss, double Metric) Measure(Network network, TrainingRows data)
    {
        if (data.Count == 0)
        {
            return (double.NaN, double.NaN);
        }

        const int chunk = 256;
        double lossSum = 0;
        int correct = 0;
        double squaredError = 0;
        for (int start = 0; start < data.Count; start += chunk)
        {
            int rows = Math.Min(chunk, data.Count - start);
            ReadOnlySpan<float> output = network.Forward(data.X.AsSpan(start * data.Features), rows);
            if (data.Labels != null)
            {
                ReadOnlySpan<int> labels = data.Labels.AsSpan(start, rows);
                int classes = output.Length / rows;
                lossSum += SoftmaxCrossEntropy.Loss(output, labels, rows, classes) * rows;
                for (int r = 0; r < rows; r++)
                {
                    correct += PrunedModel.ArgMax(output.Slice(r * classes, classes)) == labels[r] ? 1 : 0;
                }
            }
            else
            {
                double mse = MeanSquaredError.Loss(output, data.Targets.AsSpan(start, rows));
                lossSum += mse * rows;
                squaredError += mse * rows;
            }
        }

        if (data.Labels != null)
        {
            return (lossSum / data.Count, (double)correct / data.Count);
        }

        // R² is unchanged by standardising targets and predictions alike, so standardised units do.
        double mean = data.Targets!.Average(t => (double)t);
        double total = data.Targets!.Sum(t => ((double)t - mean) * ((double)t - mean));
        return (lossSum / data.Count, total > 0 ? 1 - (squaredError / total) : double.NaN);
    }

    /// <summary>
    /// Uniform initial weights: He (limit √(6/in)) for ReLU-like layers, whose activations halve
    /// the variance; Glorot (limit √(6/(in+out))) otherwise. Biases start at zero.
    /// </summary>
    internal static float[] InitialWeights(int inputs, int outputs, Activation activation, SplitMix64 random)
    {
        double limit = activation is Activation.Relu or Activation.LeakyRelu
            ? Math.Sqrt(6.0 / inputs)
            : Math.Sqrt(6.0 / (inputs + outputs));
        var weights = new float[inputs * outputs];
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)(((2 * random.NextDouble()) - 1) * limit);
        }

        return weights;
    }

    private static DenseLayer Export(TrainableLayer layer, Activation activation, int blockSize = 1)
        => new(layer.InputSize, layer.OutputSize, activation, layer.Weights, layer.Bias, activation == Activation.LeakyRelu ? layer.Alpha : 0f, blockSize);

    private static (int[] Fit, int[] Validation) ValidationSplit(Dataset train, TrainingOptions options)
    {
        (int[] fit, int[] validation) = DataSplitter.Split(train, options.ValidationFraction, options.Seed, RandomStreams.ValidationSplit);
        if (fit.Length == 0)
        {
            throw new ArgumentException("no training rows are left after holding out ValidationFraction " + options.ValidationFraction + " of " + train.Rows, nameof(options));
        }

        return (fit, validation);
    }

    private static TrainingRows Rows(Dataset data, int[] rows, InputPreprocessing? preprocessing, OutputPostprocessing? postprocessing)
    {
        float[] x = Standardisation.Apply(preprocessing, data, rows);
        return data.Task == ModelTask.Classification
            ? new TrainingRows(x, data.Features, rows.Select(r => data.Labels![r]).ToArray(), null)
            : new TrainingRows(x, data.Features, null, Standardisation.ApplyInverse(postprocessing, data, rows));
    }

    private static void CheckTrainable(Dataset train)
    {
        if (train.Rows == 0)
        {
            throw new ArgumentException("the training set " + train.Name + " has no rows", nameof(train));
        }

        if (train.Task == ModelTask.Classification && train.ClassNames!.Count < 2)
        {
            throw new ArgumentException("a classifier needs at least 2 classes; " + train.Name + " has " + train.ClassNames.Count, nameof(train));
        }
    }

    private static void CheckFits(PrunedModel model, Dataset data)
    {
        string problem = Evaluator.Mismatch(model, data);
        if (problem.Length > 0)
        {
            throw new ArgumentException(problem, nameof(data));
        }

        if (model.Postprocessing != null && model.Postprocessing.Scale[0] == 0f)
        {
            throw new ArgumentException("the model's output postprocessing scale is 0, so its targets cannot be standardised for training", nameof(model));
        }
    }

    /// <summary>The <c>producer</c> every model written by this version of the tools records: <c>prunet 0.1.0</c>.</summary>
    public static string Producer { get; } = "prunet " + (typeof(ModelTrainer).Assembly.GetName().Version ?? new Version(0, 0, 0)).ToString(3);

    private static IReadOnlyDictionary<string, object?> Provenance(Dataset train, TrainingOptions options, int epochsRun)
    {
        var training = new Dictionary<string, object?>
        {
            ["hidden"] = options.Hidden.Select(h => (object?)h).ToList(),
            ["activation"] = ActivationNames.ToName(options.Activation),
            ["optimizer"] = options.Optimizer == OptimizerKind.Adam ? "adam" : "sgd",
            ["learningRate"] = options.LearningRate,
            ["momentum"] = options.Optimizer == OptimizerKind.Sgd ? options.Momentum : null,
            ["batch"] = options.BatchSize,
            ["epochs"] = options.Epochs,
            ["epochsRun"] = epochsRun,
            ["patience"] = options.Patience,
            ["validationFraction"] = options.ValidationFraction,
            ["seed"] = options.Seed,
        };
        if (options.Activation == Activation.LeakyRelu)
        {
            training["leakyReluAlpha"] = options.LeakyReluAlpha;
        }

        return new Dictionary<string, object?>
        {
            ["producer"] = Producer,
            ["dataset"] = train.Name,
            ["training"] = training,
        };
    }
}

/// <summary>Rows ready for the network: preprocessed features, and labels or standardised targets.</summary>
internal sealed class TrainingRows
{
    public TrainingRows(float[] x, int features, int[]? labels, float[]? targets)
    {
        X = x;
        Features = features;
        Labels = labels;
        Targets = targets;
    }

    public float[] X { get; }

    public int Features { get; }

    public int[]? Labels { get; }

    public float[]? Targets { get; }

    public int Count => X.Length / Features;

    /// <summary>Copies the given rows into the first rows of <paramref name="batch"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Gather(ReadOnlySpan<int> rows, TrainingRows batch)
    {
        for (int k = 0; k < rows.Length; k++)
        {
            X.AsSpan(rows[k] * Features, Features).CopyTo(batch.X.AsSpan(k * Features));
            if (Labels != null)
            {
                batch.Labels![k] = Labels[rows[k]];
            }
            else
            {
                batch.Targets![k] = Targets![rows[k]];
            }
        }
    }
}
