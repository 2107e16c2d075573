using Prunet.Data;
using Prunet.Training;

namespace Prunet.Tests;

public class FineTuneTests
{
    [Theory]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.Sgd)]
    public void PrunedWeightsStayExactlyZero(OptimizerKind optimizer)
    {
        DataSplit split = DataSource.Load(new DataOptions("digits"));
        PrunedModel trained = ModelTrainer.Train(split.Train, new TrainingOptions(new[] { 24, 16 }, Epochs: 3));
        PrunedModel pruned = PruneSmallestHalf(trained);

        var options = new TrainingOptions(Array.Empty<int>(), Epochs: 3, LearningRate: optimizer == OptimizerKind.Sgd ? 0.05f : 1e-3f, Optimizer: optimizer, Seed: 9);
        PrunedModel tuned = ModelTrainer.FineTune(pruned, split.Train, options);

        int changed = 0;
        for (int k = 0; k < pruned.Layers.Count; k++)
        {
            ReadOnlySpan<float> before = pruned.Layers[k].Weights;
            ReadOnlySpan<float> after = tuned.Layers[k].Weights;
            for (int i = 0; i < before.Length; i++)
            {
                if (before[i] == 0f)
                {
                    // +0 exactly: not -0, which a model file would print as "-0".
                    Assert.Equal(0, BitConverter.SingleToInt32Bits(after[i]));
                }
                else if (after[i] != before[i])
                {
                    changed++;
                }
            }
        }

        Assert.True(changed > pruned.Statistics.NonzeroWeights * 0.9, $"only {changed} of {pruned.Statistics.NonzeroWeights} unpruned weights changed");
    }

    [Fact]
    public void FineTuningKeepsScalingNamesAndActivationsAndRecoversAccuracy()
    {
        DataSplit split = DataSource.Load(new DataOptions("digits"));
        PrunedModel trained = ModelTrainer.Train(split.Train, new TrainingOptions(new[] { 32 }, Activation.LeakyRelu, Epochs: 20));
        PrunedModel pruned = PruneSmallestHalf(PruneSmallestHalf(trained));
        PrunedModel tuned = ModelTrainer.FineTune(pruned, split.Train, new TrainingOptions(Array.Empty<int>(), Epochs: 10));

        Assert.Equal(trained.Preprocessing!.Shift.ToArray(), tuned.Preprocessing!.Shift.ToArray());
        Assert.Equal(trained.Preprocessing.Scale.ToArray(), tuned.Preprocessing.Scale.ToArray());
        Assert.Equal(trained.Labels, tuned.Labels);
        Assert.Equal(trained.InputNames, tuned.InputNames);
        Assert.Equal(trained.Layers.Select(l => (l.Activation, l.Alpha)), tuned.Layers.Select(l => (l.Activation, l.Alpha)));
        Assert.Equal(trained.Provenance["training"], tuned.Provenance["training"]);

        double before = Evaluator.Evaluate(pruned, split.Test).Accuracy!.Value;
        double after = Evaluator.Evaluate(tuned, split.Test).Accuracy!.Value;
        Assert.True(after >= before, $"fine-tuning went from {before} to {after}");
    }

    [Fact]
    public void RegressionFineTuneUsesTheModelsTargetScaling()
    {
        Dataset train = Synthetic.Linear(300, 3);
        PrunedModel trained = ModelTrainer.Train(train, new TrainingOptions(new[] { 6 }, Activation.Linear, Epochs: 40, LearningRate: 0.01f));
        PrunedModel tuned = ModelTrainer.FineTune(PruneSmallestHalf(trained), train, new TrainingOptions(Array.Empty<int>(), Epochs: 40, LearningRate: 0.01f));
        Assert.Equal(trained.Postprocessing!.Scale[0], tuned.Postprocessing!.Scale[0]);
        Dataset test = Synthetic.Linear(100, 4);
        double prunedR2 = Evaluator.Evaluate(PruneSmallestHalf(trained), test).R2!.Value;
        double tunedR2 = Evaluator.Evaluate(tuned, test).R2!.Value;

        // Fine-tuning must undo most of what pruning cost (in unexplained variance).
        Assert.True(1 - tunedR2 < (1 - prunedR2) / 4, $"R² after pruning {prunedR2}, after fine-tuning {tunedR2}");
    }

    [Fact]
    public void DataThatDoesNotFitTheModelIsRefused()
    {
        PrunedModel model = ModelTrainer.Train(DataSource.LoadDataset("iris"), new TrainingOptions(new[] { 4 }, Epochs: 1));
        var options = new TrainingOptions(Array.Empty<int>(), Epochs: 1);
        Assert.Contains("takes 4 features", Assert.Throws<ArgumentException>(() => ModelTrainer.FineTune(model, DataSource.LoadDataset("digits"), options)).Message);
        Dataset renamed = Dataset.ForClassification("r", new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 }, new[] { "a", "b", "c", "d" }, new[] { 0, 1, 2 }, new[] { "x", "y", "z" }, "label");
        Assert.Contains("classes", Assert.Throws<ArgumentException>(() => ModelTrainer.FineTune(model, renamed, options)).Message);
    }

    // Zeroes the half of each layer's weights with the smallest magnitude (a stand-in for the pruner).
    internal static PrunedModel PruneSmallestHalf(PrunedModel model)
    {
        return model.WithLayers(model.Layers.Select(layer =>
        {
            float[] weights = layer.CopyWeights();
            float threshold = weights.Where(w => w != 0).Select(Math.Abs).Order().ElementAt(weights.Count(w => w != 0) / 2);
            for (int i = 0; i < weights.Length; i++)
            {
                weights[i] = Math.Abs(weights[i]) < threshold ? 0f : weights[i];
            }

            return new DenseLayer(layer.InputSize, layer.OutputSize, layer.Activation, weights, layer.CopyBias(), layer.Alpha);
        }).ToArray());
    }
}
