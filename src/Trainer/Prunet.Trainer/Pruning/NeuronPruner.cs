using Prunet.Data;
using Prunet.Training;

namespace Prunet.Pruning;

/// <summary>How a hidden neuron's importance is measured.</summary>
public enum NeuronCriterion
{
    /// <summary>
    /// Average percentage of zeros (Hu et al. 2016): the fraction of calibration rows on which the
    /// neuron's ReLU output is exactly 0. High means unimportant. ReLU layers only.
    /// </summary>
    Apoz,

    /// <summary>Mean absolute output over the calibration rows. Low means unimportant.</summary>
    MeanActivation,

    /// <summary>L1 norm of the neuron's incoming weights (Li et al. 2017). Low means unimportant.</summary>
    L1,

    /// <summary>L2 norm of the neuron's incoming weights. Low means unimportant.</summary>
    L2,
}

/// <summary>
/// Neuron pruning settings: the criterion, and either the <see cref="Fraction"/> of each hidden
/// layer's neurons to remove or a <see cref="Threshold"/> on the criterion's own value.
/// </summary>
/// <param name="Criterion">How neurons are ranked.</param>
/// <param name="Fraction">Remove round(fraction × n) of each hidden layer's n neurons, the least important first; in [0, 1).</param>
/// <param name="Threshold">
/// Remove every neuron whose APoZ is at least the threshold (<see cref="NeuronCriterion.Apoz"/>:
/// 1 removes exactly the neurons that never fire on the calibration rows), or whose mean
/// activation or incoming weight norm is below it (the other criteria).
/// </param>
public sealed record NeuronPruningOptions(NeuronCriterion Criterion, double? Fraction = null, double? Threshold = null)
{
    /// <summary>Whether the criterion needs a calibration pass over data.</summary>
    public bool NeedsCalibration => Criterion is NeuronCriterion.Apoz or NeuronCriterion.MeanActivation;

    internal void Validate()
    {
        if (!Enum.IsDefined(Criterion))
        {
            throw new ArgumentException("unknown neuron criterion " + (int)Criterion);
        }

        if (Fraction.HasValue == Threshold.HasValue)
        {
            throw new ArgumentException("neuron pruning needs exactly one of a fraction of each layer's neurons and a threshold");
        }

        if (Fraction is double f && !(f >= 0 && f < 1))
        {
            throw new ArgumentException($"the fraction of neurons to remove must be at least 0 and below 1 (a layer keeps at least one neuron), got {f}");
        }

        if (Threshold is double t && !double.IsFinite(t))
        {
            throw new ArgumentException($"the threshold must be a finite number, got {t}");
        }
    }
}

/// <summary>What neuron pruning did to one layer's neurons.</summary>
/// <param name="Layer">Position of the layer, from 0.</param>
/// <param name="Before">Neurons (outputs) before.</param>
/// <param name="After">Neurons after.</param>
/// <param name="Removed">The removed neurons' positions in the layer before pruning, ascending.</param>
public sealed record LayerNeurons(int Layer, int Before, int After, IReadOnlyList<int> Removed);

/// <summary>
/// Structured pruning: removes whole hidden neurons, so the model gets smaller shapes (the neuron's
/// row of weights and its bias go, and so does the next layer's column that read it). A removed
/// neuron is replaced by its mean output, folded into the next layer's biases: exact when its
/// output is constant (all incoming weights zero: the output is act(bias)), and the best constant
/// stand-in otherwise (its mean over the calibration rows). The output layer is never pruned, and
/// no layer loses its last neuron.
/// </summary>
public static class NeuronPruner
{
    /// <summary>
    /// Prunes <paramref name="model"/>'s hidden neurons. <paramref name="calibration"/> (raw rows,
    /// as the model takes them: usually the training rows) is required by APoZ and mean
    /// activation; with the weight-norm criteria it is optional and only provides the mean outputs
    /// that replace removed neurons. Neurons that are provably dead (nothing reads them, or their
    /// output is constant) are removed first whatever the criterion: that changes nothing.
    /// The result's <see cref="PruningResult.Layers"/> count weights against the shapes before.
    /// </summary>
    /// <exception cref="ArgumentException">Options out of range, APoZ on a layer that is not ReLU, or a criterion that needs data without it.</exception>
    public static PruningResult Prune(PrunedModel model, NeuronPruningOptions options, Dataset? calibration = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.NeedsCalibration && calibration == null)
        {
            throw new ArgumentException("the " + Name(options.Criterion) + " criterion needs calibration rows (the training data)");
        }

        ActivationStatistics? statistics = calibration == null ? null : Calibrate(model, calibration);
        IReadOnlyList<double[]> scores = Score(model, options.Criterion, statistics);
        var removed = new List<int>[model.Layers.Count];
        removed[^1] = new List<int>();
        for (int k = 0; k < model.Layers.Count - 1; k++)
        {
            removed[k] = Select(model, k, scores[k], options);
        }

        PrunedModel pruned = RemoveNeurons(model, removed, statistics?.Mean);
        var layers = new LayerPruning[model.Layers.Count];
        var neurons = new LayerNeurons[model.Layers.Count];
        for (int k = 0; k < layers.Length; k++)
        {
            DenseLayer before = model.Layers[k];
            layers[k] = new LayerPruning(k, before.WeightCount, before.WeightCount - before.NonzeroCount, before.WeightCount - pruned.Layers[k].NonzeroCount);
            neurons[k] = new LayerNeurons(k, before.OutputSize, pruned.Layers[k].OutputSize, removed[k]);
        }

        return new PruningResult(pruned, layers) { Neurons = neurons };
    }

    /// <summary>
    /// Each hidden layer's scores under <paramref name="criterion"/> (one per neuron, in the
    /// criterion's own units: APoZ is a fraction of rows, the others are magnitudes), from the
    /// calibration rows for APoZ and mean activation.
    /// </summary>
    public static IReadOnlyList<double[]> Score(PrunedModel model, NeuronCriterion criterion, Dataset? calibration = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (criterion is NeuronCriterion.Apoz or NeuronCriterion.MeanActivation && calibration == null)
        {
            throw new ArgumentException("the " + Name(criterion) + " criterion needs calibration rows (the training data)");
        }

        return Score(model, criterion, calibration == null ? null : Calibrate(model, calibration));
    }

    /// <summary>
    /// Removes the given neurons of each layer (<paramref name="removed"/>[k] are positions in layer
    /// k; the last layer's must be empty): the layer loses those rows and biases, the next layer
    /// those columns, and the next layer's biases absorb each removed neuron's stand-in value,
    /// act(bias) when all its incoming weights are zero, else <paramref name="meanOutputs"/>[k][j]
    /// when given, else nothing. A layer keeps its block size while its zeros stay aligned to it.
    /// </summary>
    public static PrunedModel RemoveNeurons(PrunedModel model, IReadOnlyList<IReadOnlyCollection<int>> removed, IReadOnlyList<double[]>? meanOutputs = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(removed);
        int count = model.Layers.Count;
        if (removed.Count != count)
        {
            throw new ArgumentException($"expected one list of removed neurons per layer ({count}), got {removed.Count}", nameof(removed));
        }

        if (removed[count - 1].Count > 0)
        {
            throw new ArgumentException("the output layer's neurons cannot be removed: they are the model's outputs", nameof(removed));
        }

        var keep = new int[count][];
        for (int k = 0; k < count; k++)
        {
            int outputs = model.Layers[k].OutputSize;
            var gone = new HashSet<int>(removed[k]);
            if (gone.Any(j => j < 0 || j >= outputs))
            {
                throw new ArgumentException($"layer {k} has neurons 0 to {outputs - 1}; cannot remove {gone.First(j => j < 0 || j >= outputs)}", nameof(removed));
            }

            keep[k] = Enumerable.Range(0, outputs).Where(j => !gone.Contains(j)).ToArray();
            if (keep[k].Length == 0)
            {
                throw new ArgumentException($"removing every neuron of layer {k} would leave it with none", nameof(removed));
            }
        }

        var layers = new DenseLayer[count];
        for (int k = 0; k < count; k++)
        {
            DenseLayer layer = model.Layers[k];
            int[] rows = keep[k];
            int[] columns = k == 0 ? Enumerable.Range(0, layer.InputSize).ToArray() : keep[k - 1];
            var weights = new float[rows.Length * columns.Length];
            var bias = new float[rows.Length];
            for (int r = 0; r < rows.Length; r++)
            {
                int j = rows[r];
                for (int c = 0; c < columns.Length; c++)
                {
                    weights[(r * columns.Length) + c] = layer.Weight(j, columns[c]);
                }

                // The removed inputs' stand-in values, folded in double and rounded once.
                double sum = layer.Bias[j];
                if (k > 0)
                {
                    foreach (int i in removed[k - 1])
                    {
                        sum += layer.Weight(j, i) * StandIn(model.Layers[k - 1], i, meanOutputs?[k - 1]);
                    }
                }

                bias[r] = (float)sum;
            }

            var candidate = new DenseLayer(columns.Length, rows.Length, layer.Activation, weights, bias, layer.Alpha);
            int blockSize = layer.BlockSize <= rows.Length && BlockPattern.IsAligned(candidate, layer.BlockSize) ? layer.BlockSize : 1;
            layers[k] = blockSize == 1 ? candidate : new DenseLayer(columns.Length, rows.Length, layer.Activation, weights, bias, layer.Alpha, blockSize);
        }

        return model.WithLayers(layers);
    }

    /// <summary>The value a removed neuron is replaced with: exact when it is constant, its mean otherwise.</summary>
    private static double StandIn(DenseLayer layer, int neuron, double[]? means)
    {
        foreach (float w in layer.Row(neuron))
        {
            if (w != 0f)
            {
                return means?[neuron] ?? 0;
            }
        }

        return ActivationFunction.Apply(layer.Activation, layer.Alpha, layer.Bias[neuron]);
    }

    private static List<int> Select(PrunedModel model, int k, double[] scores, NeuronPruningOptions options)
    {
        DenseLayer layer = model.Layers[k];
        DenseLayer next = model.Layers[k + 1];
        int n = layer.OutputSize;

        // Importance, ascending = removed first. Dead neurons rank below everything.
        bool apoz = options.Criterion == NeuronCriterion.Apoz;
        var ranked = Enumerable.Range(0, n)
            .Select(j => (Dead: IsDead(layer, next, j), Importance: apoz ? -scores[j] : scores[j], Neuron: j))
            .OrderBy(x => x.Dead ? 0 : 1)
            .ThenBy(x => x.Importance)
            .ThenBy(x => x.Neuron)
            .ToList();

        var chosen = new List<int>();
        if (options.Fraction is double fraction)
        {
            int target = (int)Math.Round(fraction * n, MidpointRounding.AwayFromZero);
            chosen.AddRange(ranked.Take(target).Select(x => x.Neuron));
        }
        else
        {
            double threshold = options.Threshold!.Value;
            chosen.AddRange(ranked.Where(x => x.Dead || (apoz ? scores[x.Neuron] >= threshold : scores[x.Neuron] < threshold)).Select(x => x.Neuron));
        }

        if (chosen.Count >= n)
        {
            // Never a layer down to zero: the most important neuron stays.
            chosen.Remove(ranked[^1].Neuron);
        }

        chosen.Sort();
        return chosen;
    }

    /// <summary>Nothing reads the neuron (its column in the next layer is zero), or its output is constant (its row is zero).</summary>
    private static bool IsDead(DenseLayer layer, DenseLayer next, int j)
    {
        bool unread = true;
        for (int m = 0; m < next.OutputSize && unread; m++)
        {
            unread = next.Weight(m, j) == 0f;
        }

        if (unread)
        {
            return true;
        }

        foreach (float w in layer.Row(j))
        {
            if (w != 0f)
            {
                return false;
            }
        }

        return true;
    }

    private static IReadOnlyList<double[]> Score(PrunedModel model, NeuronCriterion criterion, ActivationStatistics? statistics)
    {
        var scores = new List<double[]>();
        for (int k = 0; k < model.Layers.Count - 1; k++)
        {
            DenseLayer layer = model.Layers[k];
            if (criterion == NeuronCriterion.Apoz && layer.Activation != Activation.Relu)
            {
                throw new ArgumentException($"APoZ counts the zeros of ReLU outputs, but layer {k} is {ActivationNames.ToName(layer.Activation)}; use mean-activation, l1 or l2");
            }

            scores.Add(criterion switch
            {
                NeuronCriterion.Apoz => statistics!.ZeroFraction[k],
                NeuronCriterion.MeanActivation => statistics!.MeanAbsolute[k],
                NeuronCriterion.L1 => Enumerable.Range(0, layer.OutputSize).Select(j => Norm(layer.Row(j), 1)).ToArray(),
                _ => Enumerable.Range(0, layer.OutputSize).Select(j => Norm(layer.Row(j), 2)).ToArray(),
            });
        }

        return scores;
    }

    private static double Norm(ReadOnlySpan<float> row, int p)
    {
        double sum = 0;
        foreach (float w in row)
        {
            sum += p == 1 ? Math.Abs(w) : (double)w * w;
        }

        return p == 1 ? sum : Math.Sqrt(sum);
    }

    /// <summary>One forward pass over the calibration rows with the training kernels, collecting per hidden neuron its mean, mean |output| and fraction of exact zeros.</summary>
    private static ActivationStatistics Calibrate(PrunedModel model, Dataset data)
    {
        string problem = Evaluator.Mismatch(model, data);
        if (problem.Length > 0)
        {
            throw new ArgumentException(problem, nameof(data));
        }

        if (data.Rows == 0)
        {
            throw new ArgumentException("the calibration data " + data.Name + " has no rows", nameof(data));
        }

        Network network = ModelTrainer.ToNetwork(model, MatrixMultiply.Default);
        int hidden = model.Layers.Count - 1;
        var sum = new double[hidden][];
        var absolute = new double[hidden][];
        var zeros = new long[hidden][];
        for (int k = 0; k < hidden; k++)
        {
            sum[k] = new double[model.Layers[k].OutputSize];
            absolute[k] = new double[model.Layers[k].OutputSize];
            zeros[k] = new long[model.Layers[k].OutputSize];
        }

        const int chunk = 512;
        for (int start = 0; start < data.Rows; start += chunk)
        {
            int rows = Math.Min(chunk, data.Rows - start);
            float[] x = Standardisation.Apply(model.Preprocessing, data, Enumerable.Range(start, rows).ToArray());
            network.Forward(x, rows);
            for (int k = 0; k < hidden; k++)
            {
                int outputs = model.Layers[k].OutputSize;
                ReadOnlySpan<float> y = network.Layers[k].Y.AsSpan(0, rows * outputs);
                for (int r = 0; r < rows; r++)
                {
                    for (int j = 0; j < outputs; j++)
                    {
                        float v = y[(r * outputs) + j];
                        sum[k][j] += v;
                        absolute[k][j] += Math.Abs(v);
                        zeros[k][j] += v == 0f ? 1 : 0;
                    }
                }
            }
        }

        return new ActivationStatistics(
            sum.Select(s => s.Select(v => v / data.Rows).ToArray()).ToArray(),
            absolute.Select(s => s.Select(v => v / data.Rows).ToArray()).ToArray(),
            zeros.Select(s => s.Select(v => (double)v / data.Rows).ToArray()).ToArray());
    }

    private static string Name(NeuronCriterion criterion) => criterion switch
    {
        NeuronCriterion.Apoz => "apoz",
        NeuronCriterion.MeanActivation => "mean-activation",
        NeuronCriterion.L1 => "l1",
        _ => "l2",
    };

    /// <summary>Per hidden layer and neuron: mean output, mean |output|, fraction of rows where it is exactly 0.</summary>
    private sealed record ActivationStatistics(double[][] Mean, double[][] MeanAbsolute, double[][] ZeroFraction);
}
