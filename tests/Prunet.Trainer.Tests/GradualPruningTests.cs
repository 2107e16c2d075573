using Prunet.Data;
using Prunet.Pruning;
using Prunet.Training;

namespace Prunet.Tests;

public class GradualPruningTests
{
    private static readonly DataSplit Digits = DataSource.Load(new DataOptions("digits"));

    private static readonly Lazy<PrunedModel> Dense = new(() => ModelTrainer.Train(Digits.Train, new TrainingOptions(new[] { 32, 16 }, Epochs: 8, Seed: 1)));

    [Theory]
    [InlineData(PruningGranularity.Element, PruningScope.Global)]
    [InlineData(PruningGranularity.Element, PruningScope.Layer)]
    [InlineData(PruningGranularity.Block, PruningScope.Global)]
    public void APrunedWeightNeverComesBackAndEachStepReachesTheScheduledSparsity(PruningGranularity granularity, PruningScope scope)
    {
        var options = new TrainingOptions(Array.Empty<int>(), Epochs: 4, Seed: 1);
        (int perEpoch, long total) = ModelTrainer.CountSteps(Digits.Train, options);
        var schedule = new PolynomialSchedule(0, 0.9, 0, (int)(total - perEpoch), Math.Max(1, perEpoch / 4));
        var history = new List<(int Step, bool[][] Zero)>();
        var pruning = new GradualPruning(schedule, new MagnitudePruningOptions(Scope: scope, Granularity: granularity))
        {
            Observer = (step, weights) => history.Add((step, weights.Select(w => w.Select(v => v == 0f).ToArray()).ToArray())),
        };

        PrunedModel tuned = ModelTrainer.FineTune(Dense.Value, Digits.Train, options with { Pruning = pruning });

        Assert.Equal(Enumerable.Range(0, (int)total).Where(schedule.PrunesAt), history.Select(h => h.Step));
        bool[][] final = tuned.Layers.Select(l => l.Weights.ToArray().Select(v => v == 0f).ToArray()).ToArray();
        for (int h = 0; h < history.Count; h++)
        {
            bool[][] later = h + 1 < history.Count ? history[h + 1].Zero : final;
            for (int k = 0; k < final.Length; k++)
            {
                for (int i = 0; i < final[k].Length; i++)
                {
                    Assert.False(history[h].Zero[k][i] && !later[k][i], $"weight {i} of layer {k}, pruned at step {history[h].Step}, came back");
                }
            }

            long zeros = history[h].Zero.Sum(z => (long)z.Count(x => x));
            long weights = history[h].Zero.Sum(z => (long)z.Length);
            double target = schedule.SparsityAt(history[h].Step);
            // Per-layer rounding moves the count by up to half a weight per layer; blocks stop short of the target by less than a block.
            int groups = scope == PruningScope.Layer ? final.Length : 1;
            double rounding = 0.5 * groups / weights;
            double shortfall = granularity == PruningGranularity.Block ? 8.0 * groups / weights : rounding;
            Assert.InRange((double)zeros / weights, target - shortfall - 1e-12, target + rounding + 1e-12);
        }

        Assert.Equal(0.9, tuned.Statistics.Sparsity, 2);
    }

    [Fact]
    public void BlockGranularityKeepsEveryMaskAlignedAndRecordsTheBlockSize()
    {
        var options = new TrainingOptions(Array.Empty<int>(), Epochs: 3, Seed: 2);
        (int perEpoch, long total) = ModelTrainer.CountSteps(Digits.Train, options);
        var pruning = new GradualPruning(new PolynomialSchedule(0, 0.8, 0, (int)(total - perEpoch), 5), new MagnitudePruningOptions(Granularity: PruningGranularity.Block, BlockSize: 8));
        PrunedModel tuned = ModelTrainer.FineTune(Dense.Value, Digits.Train, options with { Pruning = pruning });

        // 32 and 16 outputs are whole blocks of 8; the output layer's 10 are a block of 8 and one of 2.
        Assert.Equal(new[] { 8, 8, 8 }, tuned.Layers.Select(l => l.BlockSize));
        Assert.All(tuned.Layers, l => Assert.True(BlockPattern.IsAligned(l, 8)));
        Assert.InRange(tuned.Statistics.Sparsity, 0.78, 0.8 + 1e-9);
        Assert.Equal(tuned.Layers.Select(l => l.BlockSize), PrunedModel.Parse(tuned.ToJson()).Layers.Select(l => l.BlockSize));
    }

    [Fact]
    public void PruningDuringTrainingFromScratchReachesTheTargetAndLearns()
    {
        var options = new TrainingOptions(new[] { 32 }, Epochs: 10, Seed: 3);
        (int perEpoch, long total) = ModelTrainer.CountSteps(Digits.Train, options);
        PrunedModel model = ModelTrainer.Train(Digits.Train, options with
        {
            Pruning = new GradualPruning(new PolynomialSchedule(0, 0.75, perEpoch, (int)(total - (2 * perEpoch)), 10), new MagnitudePruningOptions()),
        });
        Assert.Equal(0.75, model.Statistics.Sparsity, 3);
        Assert.True(Evaluator.Evaluate(model, Digits.Test).Accuracy > 0.85);
    }

    [Fact]
    public void EarlyStoppingNeverKeepsAnEpochFromBeforeTheLastPruning()
    {
        // Patience 1 with a schedule that ends in the last epoch: an earlier, denser epoch may have
        // the lower validation loss, but the model returned must have the final sparsity.
        var options = new TrainingOptions(Array.Empty<int>(), Epochs: 3, Seed: 4, Patience: 1);
        (int perEpoch, long total) = ModelTrainer.CountSteps(Digits.Train, options);
        var pruning = new GradualPruning(new PolynomialSchedule(0, 0.95, 0, (int)total - 1, perEpoch / 2), new MagnitudePruningOptions());
        PrunedModel tuned = ModelTrainer.FineTune(Dense.Value, Digits.Train, options with { Pruning = pruning });
        Assert.Equal(0.95, tuned.Statistics.Sparsity, 3);
    }

    [Fact]
    public void AScheduleLongerThanTheRunIsRefusedWithTheStepCount()
    {
        var options = new TrainingOptions(Array.Empty<int>(), Epochs: 1);
        (_, long total) = ModelTrainer.CountSteps(Digits.Train, options);
        var pruning = new GradualPruning(new PolynomialSchedule(0, 0.5, 0, (int)total, 1), new MagnitudePruningOptions());
        var error = Assert.Throws<ArgumentException>(() => ModelTrainer.FineTune(Dense.Value, Digits.Train, options with { Pruning = pruning }));
        Assert.Contains($"only {total} steps", error.Message);
    }

    [Fact]
    public void CosineDecayChangesTheRunAndTheSameSeedGivesTheSameModel()
    {
        var constant = new TrainingOptions(Array.Empty<int>(), Epochs: 2, Seed: 5);
        var cosine = constant with { LearningRateSchedule = LearningRateSchedule.Cosine };
        string a = ModelTrainer.FineTune(Dense.Value, Digits.Train, cosine).ToJson();
        string b = ModelTrainer.FineTune(Dense.Value, Digits.Train, cosine).ToJson();
        Assert.Equal(a, b);
        Assert.NotEqual(a, ModelTrainer.FineTune(Dense.Value, Digits.Train, constant).ToJson());
    }
}
