using Prunet.Data;
using Prunet.Pruning;
using Prunet.Training;

namespace Prunet.Tests;

public class NeuronPrunerTests
{
    /// <summary>
    /// 4 → 6 → 5 → 1 with dead neurons of every kind, on inputs that are all positive:
    /// layer 0 neuron 1 is unread (its column in layer 1 is zero), neuron 3 is constant
    /// (no incoming weights, bias 0.7, so always 0.7); layer 1 neuron 2 is constant at relu(-0.3) = 0,
    /// and neuron 4 never fires (negative weights on positive inputs, negative bias).
    /// </summary>
    private static (PrunedModel Model, Dataset Rows) WithDeadNeurons()
    {
        var random = new Random(11);
        float R() => (float)((random.NextDouble() * 2) - 1);
        var w0 = new float[6 * 4];
        var b0 = new float[6];
        for (int j = 0; j < 6; j++)
        {
            b0[j] = R() * 0.1f;
            for (int i = 0; i < 4; i++)
            {
                w0[(j * 4) + i] = j == 3 ? 0f : R() + 1.2f; // positive: these neurons fire on positive inputs
            }
        }

        b0[3] = 0.7f;
        var w1 = new float[5 * 6];
        var b1 = new float[5];
        for (int m = 0; m < 5; m++)
        {
            b1[m] = 0.2f;
            for (int j = 0; j < 6; j++)
            {
                // Neurons 0, 1 and 3 always fire (positive weights on positive inputs, positive bias).
                w1[(m * 6) + j] = j == 1 ? 0f : m == 2 ? 0f : m == 4 ? -Math.Abs(R()) - 0.1f : Math.Abs(R()) + 0.1f;
            }
        }

        b1[2] = -0.3f;
        b1[4] = -0.5f;
        var w2 = new float[] { 0.5f, -1f, 2f, 0.25f, 3f };
        var model = new PrunedModel(ModelTask.Regression, new[]
        {
            new DenseLayer(4, 6, Activation.Relu, w0, b0),
            new DenseLayer(6, 5, Activation.Relu, w1, b1),
            new DenseLayer(5, 1, Activation.Linear, w2, new[] { 0.1f }),
        });

        var x = new float[200 * 4];
        for (int k = 0; k < x.Length; k++)
        {
            x[k] = (float)random.NextDouble() * 3;
        }

        Dataset rows = Dataset.ForRegression("positive", x, new[] { "a", "b", "c", "d" }, new float[200], "y");
        return (model, rows);
    }

    [Fact]
    public void RemovingDeadNeuronsKeepsTheOutputsIdentical()
    {
        (PrunedModel model, Dataset rows) = WithDeadNeurons();

        // APoZ ≥ 1 removes exactly the neurons that never fire, and dead ones are removed whatever the score.
        PruningResult result = NeuronPruner.Prune(model, new NeuronPruningOptions(NeuronCriterion.Apoz, Threshold: 1), rows);
        Assert.Equal(new[] { 1, 3 }, result.Neurons![0].Removed);
        Assert.Equal(new[] { 2, 4 }, result.Neurons[1].Removed);
        Assert.Empty(result.Neurons[2].Removed);
        Assert.Equal(new[] { (4, 4), (4, 3), (3, 1) }, result.Model.Layers.Select(l => (l.InputSize, l.OutputSize)));

        var before = new float[1];
        var after = new float[1];
        for (int r = 0; r < rows.Rows; r++)
        {
            model.Predict(rows.Row(r), before);
            result.Model.Predict(rows.Row(r), after);
            Assert.True(OutputAgreement.Agrees(after, before, out string why), $"row {r}: {why}");
        }

        // The constant 0.7 went into layer 1's biases: b' = b + W[m, 3] · 0.7.
        Assert.Equal(0.2f + (model.Layers[1].Weight(0, 3) * 0.7f), result.Model.Layers[1].Bias[0], 5);
    }

    [Fact]
    public void WeightNormCriteriaFoldProvablyConstantNeuronsWithoutData()
    {
        (PrunedModel model, Dataset rows) = WithDeadNeurons();
        PruningResult result = NeuronPruner.Prune(model, new NeuronPruningOptions(NeuronCriterion.L2, Threshold: 0));
        Assert.Equal(new[] { 1, 3 }, result.Neurons![0].Removed); // only the dead ones: no norm is below 0
        Assert.Equal(new[] { 2 }, result.Neurons[1].Removed);
        var before = new float[1];
        var after = new float[1];
        for (int r = 0; r < rows.Rows; r++)
        {
            model.Predict(rows.Row(r), before);
            result.Model.Predict(rows.Row(r), after);
            Assert.True(OutputAgreement.Agrees(after, before, out string why), $"row {r}: {why}");
        }
    }

    [Theory]
    [InlineData(NeuronCriterion.L1)]
    [InlineData(NeuronCriterion.L2)]
    public void AFractionRemovesTheLowestNormsOfEachHiddenLayerAndNeverTheOutputs(NeuronCriterion criterion)
    {
        var random = new Random(5);
        DenseLayer Layer(int inputs, int outputs, Activation activation) => new(
            inputs,
            outputs,
            activation,
            Enumerable.Range(0, inputs * outputs).Select(n => (float)((random.NextDouble() - 0.5) * (1 + (n / inputs)))).ToArray(),
            Enumerable.Range(0, outputs).Select(_ => (float)random.NextDouble()).ToArray());
        var model = new PrunedModel(ModelTask.Regression, new[] { Layer(5, 10, Activation.Tanh), Layer(10, 8, Activation.Tanh), Layer(8, 1, Activation.Linear) });

        PruningResult result = NeuronPruner.Prune(model, new NeuronPruningOptions(criterion, Fraction: 0.5));
        Assert.Equal(new[] { 5, 4, 1 }, result.Model.Layers.Select(l => l.OutputSize));
        IReadOnlyList<double[]> scores = NeuronPruner.Score(model, criterion);
        for (int k = 0; k < 2; k++)
        {
            IReadOnlyList<int> removed = result.Neurons![k].Removed;
            double worstKept = Enumerable.Range(0, model.Layers[k].OutputSize).Except(removed).Min(j => scores[k][j]);
            Assert.True(removed.Max(j => scores[k][j]) <= worstKept);

        }

        // The kept rows are the original ones, less the columns of the removed inputs.
        int[] kept0 = Enumerable.Range(0, 10).Except(result.Neurons![0].Removed).ToArray();
        int[] kept1 = Enumerable.Range(0, 8).Except(result.Neurons[1].Removed).ToArray();
        for (int r = 0; r < kept1.Length; r++)
        {
            for (int c = 0; c < kept0.Length; c++)
            {
                Assert.Equal(model.Layers[1].Weight(kept1[r], kept0[c]), result.Model.Layers[1].Weight(r, c));
            }
        }

        double expected = criterion == NeuronCriterion.L1
            ? model.Layers[0].Row(0).ToArray().Sum(w => Math.Abs((double)w))
            : Math.Sqrt(model.Layers[0].Row(0).ToArray().Sum(w => (double)w * w));
        Assert.Equal(expected, scores[0][0], 9);
        Assert.Equal((5 * 5) + (5 * 4) + 4, result.Model.Statistics.Weights);
        Assert.Equal(1 - ((double)result.Model.Statistics.NonzeroWeights / model.Statistics.Weights), result.Rate, 12);
    }

    [Fact]
    public void NoLayerLosesItsLastNeuron()
    {
        (PrunedModel model, _) = WithDeadNeurons();
        PruningResult result = NeuronPruner.Prune(model, new NeuronPruningOptions(NeuronCriterion.L1, Threshold: 1e9));
        Assert.Equal(new[] { 1, 1, 1 }, result.Model.Layers.Select(l => l.OutputSize));
    }

    [Fact]
    public void ApozAndMeanActivationComeFromTheCalibrationRows()
    {
        // neuron 0 = relu(x), neuron 1 = relu(-x), on x = -1, 1, 2, 3.
        var model = new PrunedModel(ModelTask.Regression, new[]
        {
            new DenseLayer(1, 2, Activation.Relu, new[] { 1f, -1f }, new[] { 0f, 0f }),
            new DenseLayer(2, 1, Activation.Linear, new[] { 1f, 1f }, new[] { 0f }),
        });
        Dataset rows = Dataset.ForRegression("x", new[] { -1f, 1f, 2f, 3f }, new[] { "x" }, new float[4], "y");
        Assert.Equal(new[] { 0.25, 0.75 }, NeuronPruner.Score(model, NeuronCriterion.Apoz, rows)[0]);
        Assert.Equal(new[] { 1.5, 0.25 }, NeuronPruner.Score(model, NeuronCriterion.MeanActivation, rows)[0]);

        // Removing neuron 1 (the least active) replaces it with its mean, 0.25, in the output's bias.
        PruningResult result = NeuronPruner.Prune(model, new NeuronPruningOptions(NeuronCriterion.MeanActivation, Fraction: 0.5), rows);
        Assert.Equal(new[] { 1 }, result.Neurons![0].Removed);
        Assert.Equal(0.25f, result.Model.Layers[1].Bias[0]);
    }

    [Fact]
    public void CriteriaThatCannotApplyAreRefusedWithTheReason()
    {
        var tanh = new PrunedModel(ModelTask.Regression, new[]
        {
            new DenseLayer(1, 2, Activation.Tanh, new[] { 1f, -1f }, new[] { 0f, 0f }),
            new DenseLayer(2, 1, Activation.Linear, new[] { 1f, 1f }, new[] { 0f }),
        });
        Dataset rows = Dataset.ForRegression("x", new[] { -1f, 1f }, new[] { "x" }, new float[2], "y");
        Assert.Contains("ReLU", Assert.Throws<ArgumentException>(() => NeuronPruner.Prune(tanh, new NeuronPruningOptions(NeuronCriterion.Apoz, Fraction: 0.5), rows)).Message);
        Assert.Contains("calibration rows", Assert.Throws<ArgumentException>(() => NeuronPruner.Prune(tanh, new NeuronPruningOptions(NeuronCriterion.MeanActivation, Fraction: 0.5))).Message);
        Assert.Throws<ArgumentException>(() => NeuronPruner.Prune(tanh, new NeuronPruningOptions(NeuronCriterion.L1, Fraction: 1)));
        Assert.Throws<ArgumentException>(() => NeuronPruner.Prune(tanh, new NeuronPruningOptions(NeuronCriterion.L1, Fraction: 0.5, Threshold: 1)));
        Assert.Throws<ArgumentException>(() => NeuronPruner.RemoveNeurons(tanh, new[] { Array.Empty<int>(), new[] { 0 } }));
    }

    [Fact]
    public void NeuronPruningThenWeightPruningOfWhatRemainsComposeAndFineTune()
    {
        DataSplit digits = DataSource.Load(new DataOptions("digits"));
        PrunedModel dense = ModelTrainer.Train(digits.Train, new TrainingOptions(new[] { 48, 24 }, Epochs: 15, Seed: 2));
        PruningResult neurons = NeuronPruner.Prune(dense, new NeuronPruningOptions(NeuronCriterion.Apoz, Fraction: 0.5), digits.Train);
        Assert.Equal(new[] { 24, 12, 10 }, neurons.Model.Layers.Select(l => l.OutputSize));
        PrunedModel tuned = ModelTrainer.FineTune(neurons.Model, digits.Train, new TrainingOptions(Array.Empty<int>(), Epochs: 5, Seed: 2));

        PruningResult weights = MagnitudePruner.Prune(tuned, new MagnitudePruningOptions(0.5, Granularity: PruningGranularity.Block));
        PrunedModel final = ModelTrainer.FineTune(weights.Model, digits.Train, new TrainingOptions(Array.Empty<int>(), Epochs: 5, Seed: 2));
        Assert.Equal(new[] { 24, 12, 10 }, final.Layers.Select(l => l.OutputSize));
        Assert.All(final.Layers, l => Assert.True(l.BlockSize == 8 && BlockPattern.IsAligned(l, 8)));
        Assert.InRange(final.Statistics.Sparsity, 0.49, 0.5 + 1e-9);
        double accuracy = Evaluator.Evaluate(final, digits.Test).Accuracy!.Value;
        Assert.True(accuracy > 0.85, $"accuracy {accuracy} after removing half the neurons and half the remaining weights");
    }

    [Fact]
    public void RemovingRowsKeepsABlockSizeOnlyWhileTheZerosStayAligned()
    {
        // Layer 0 has 16 outputs pruned in blocks of 8 (input 0's first block is zero); layer 1 reads them.
        var w0 = Enumerable.Range(0, 16 * 2).Select(n => n % 2 == 0 && n / 2 < 8 ? 0f : 1f).ToArray();
        var model = new PrunedModel(ModelTask.Regression, new[]
        {
            new DenseLayer(2, 16, Activation.Relu, w0, new float[16], blockSize: 8),
            new DenseLayer(16, 8, Activation.Relu, Enumerable.Repeat(1f, 16 * 8).ToArray(), new float[8], blockSize: 8),
            new DenseLayer(8, 1, Activation.Linear, Enumerable.Repeat(1f, 8).ToArray(), new float[1]),
        });
        Assert.True(BlockPattern.IsAligned(model.Layers[0], 8));

        // Removing neuron 0 shifts outputs 1-7 into the first block beside nonzero ones: no longer aligned.
        PrunedModel shifted = NeuronPruner.RemoveNeurons(model, new[] { new[] { 0 }, Array.Empty<int>(), Array.Empty<int>() });
        Assert.Equal(1, shifted.Layers[0].BlockSize);
        Assert.Equal(8, shifted.Layers[1].BlockSize); // its blocks run down columns, and removing a column keeps them whole

        // Removing a whole block of 8 keeps the rest aligned.
        PrunedModel whole = NeuronPruner.RemoveNeurons(model, new[] { Enumerable.Range(8, 8).ToArray(), Array.Empty<int>(), Array.Empty<int>() });
        Assert.Equal(8, whole.Layers[0].BlockSize);
    }
}
