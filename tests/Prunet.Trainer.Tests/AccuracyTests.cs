using Prunet.Data;
using Prunet.Pruning;
using Prunet.Training;

namespace Prunet.Tests;

/// <summary>End to end on the bundled datasets: the trainer must learn what simple baselines learn.</summary>
public class AccuracyTests
{
    [Fact]
    public void DigitsReachNinetyFivePercent()
    {
        DataSplit split = DataSource.Load(new DataOptions("digits"));
        PrunedModel model = ModelTrainer.Train(split.Train, new TrainingOptions(new[] { 32 }, Activation.Relu, Epochs: 60));
        Assert.Equal(new[] { 64, 32 }, model.Layers.Select(l => l.InputSize));
        double accuracy = Evaluator.Evaluate(model, split.Test).Accuracy!.Value;
        Assert.True(accuracy >= 0.95, $"test accuracy {accuracy:F4}");
    }

    [Fact]
    public void DigitsPrunedToEightyPercentGlobalSparsityKeepNinetyFivePercent()
    {
        // One seed's accuracy on 359 test rows moves by about a point, so the bar is the mean of three.
        DataSplit split = DataSource.Load(new DataOptions("digits"));
        var accuracies = new List<double>();
        foreach (int seed in new[] { 0, 1, 2 })
        {
            var training = new TrainingOptions(new[] { 32 }, Activation.Relu, Epochs: 60, LearningRate: 3e-3f, Seed: seed);
            PrunedModel dense = ModelTrainer.Train(split.Train, training);
            PruningResult pruned = MagnitudePruner.Prune(dense, new MagnitudePruningOptions(0.8, Scope: PruningScope.Global));
            Assert.Equal(0.8, pruned.Model.Statistics.Sparsity, 3);
            PrunedModel tuned = ModelTrainer.FineTune(pruned.Model, split.Train, training with { Epochs = 20 });
            Assert.Equal(pruned.Model.Statistics.NonzeroWeights, tuned.Statistics.NonzeroWeights);
            accuracies.Add(Evaluator.Evaluate(tuned, split.Test).Accuracy!.Value);
        }

        Assert.True(accuracies.Average() >= 0.95, "test accuracies after pruning and fine-tuning: " + string.Join(", ", accuracies.Select(a => a.ToString("F4"))));
    }

    [Fact]
    public void AutoMpgMatchesLeastSquaresBeforeAndAfterPruning()
    {
        // 8-10-1 with a linear hidden layer is a linear model, so least squares on the same training
        // rows is the bar: the network must come within 0.02 of its test R².
        DataSplit split = DataSource.Load(new DataOptions("auto-mpg"));
        double leastSquares = LeastSquaresR2(split.Train, split.Test);
        PrunedModel model = ModelTrainer.Train(split.Train, new TrainingOptions(new[] { 10 }, Activation.Linear, Epochs: 100, Optimizer: OptimizerKind.Adam));
        double r2 = Evaluator.Evaluate(model, split.Test).R2!.Value;
        Assert.True(r2 >= leastSquares - 0.02, $"network R² {r2:F4}, least squares {leastSquares:F4}");

        PruningResult pruning = MagnitudePruner.Prune(model, new MagnitudePruningOptions(Threshold: 0.01f));
        PrunedModel pruned = pruning.Model;
        Assert.Equal(pruned.Statistics.Sparsity, pruning.Rate, 12);
        double prunedR2 = Evaluator.Evaluate(pruned, split.Test).R2!.Value;
        Assert.True(prunedR2 >= leastSquares - 0.02, $"pruned network R² {prunedR2:F4}, least squares {leastSquares:F4}");
    }

    // Ordinary least squares with an intercept, by the normal equations in double (Gauss-Jordan
    // with partial pivoting), evaluated on the test rows.
    private static double LeastSquaresR2(Dataset train, Dataset test)
    {
        int p = train.Features + 1;
        var normal = new double[p, p + 1];
        for (int r = 0; r < train.Rows; r++)
        {
            double[] row = Design(train, r);
            for (int i = 0; i < p; i++)
            {
                for (int j = 0; j < p; j++)
                {
                    normal[i, j] += row[i] * row[j];
                }

                normal[i, p] += row[i] * train.Targets![r];
            }
        }

        for (int c = 0; c < p; c++)
        {
            int pivot = Enumerable.Range(c, p - c).MaxBy(r => Math.Abs(normal[r, c]));
            for (int j = 0; j <= p; j++)
            {
                (normal[c, j], normal[pivot, j]) = (normal[pivot, j], normal[c, j]);
            }

            for (int r = 0; r < p; r++)
            {
                if (r != c)
                {
                    double factor = normal[r, c] / normal[c, c];
                    for (int j = c; j <= p; j++)
                    {
                        normal[r, j] -= factor * normal[c, j];
                    }
                }
            }
        }

        double[] beta = Enumerable.Range(0, p).Select(i => normal[i, p] / normal[i, i]).ToArray();
        double mean = test.Targets!.Average(t => (double)t);
        double residual = 0, total = 0;
        for (int r = 0; r < test.Rows; r++)
        {
            double prediction = Design(test, r).Zip(beta, (x, b) => x * b).Sum();
            residual += (prediction - test.Targets![r]) * (prediction - test.Targets![r]);
            total += (test.Targets[r] - mean) * (test.Targets[r] - mean);
        }

        return 1 - (residual / total);
    }

    private static double[] Design(Dataset data, int row) => data.Row(row).ToArray().Select(v => (double)v).Append(1.0).ToArray();
}
