using Prunet.Pruning;

namespace Prunet.Tests;

public class MagnitudePrunerTests
{
    private static PrunedModel Model(int seed, params (int In, int Out, float Scale)[] shapes)
    {
        var random = new Random(seed);
        var layers = shapes.Select(s => new DenseLayer(
            s.In,
            s.Out,
            Activation.Relu,
            Enumerable.Range(0, s.In * s.Out).Select(_ => (float)(random.NextDouble() * 2 - 1) * s.Scale).ToArray(),
            Enumerable.Range(0, s.Out).Select(_ => (float)random.NextDouble()).ToArray())).ToArray();
        return new PrunedModel(ModelTask.Regression, layers);
    }

    [Fact]
    public void ThresholdZeroesExactlyTheWeightsBelowItAndNoBias()
    {
        PrunedModel model = Model(1, (8, 10, 0.05f), (10, 1, 0.05f));
        PruningResult result = MagnitudePruner.Prune(model, new MagnitudePruningOptions(Threshold: 0.01f));
        for (int k = 0; k < model.Layers.Count; k++)
        {
            float[] before = model.Layers[k].Weights.ToArray();
            float[] after = result.Model.Layers[k].Weights.ToArray();
            for (int n = 0; n < before.Length; n++)
            {
                Assert.Equal(MathF.Abs(before[n]) < 0.01f ? 0f : before[n], after[n]);
            }

            Assert.Equal(model.Layers[k].Bias.ToArray(), result.Model.Layers[k].Bias.ToArray());
            int zeros = after.Count(w => w == 0f);
            Assert.Equal(zeros, result.Layers[k].ZerosAfter);
            Assert.Equal((double)zeros / after.Length, result.Layers[k].Rate);
        }

        Assert.Equal(result.Model.Statistics.Sparsity, result.Rate, 12);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void LayerScopeReachesTheTargetInEveryLayerRemovingTheSmallest(double sparsity)
    {
        // Layers of very different scales: layer scope must still prune each to the target.
        PrunedModel model = Model(2, (20, 30, 1f), (30, 10, 0.01f));
        PruningResult result = MagnitudePruner.Prune(model, new MagnitudePruningOptions(sparsity, Scope: PruningScope.Layer));
        for (int k = 0; k < model.Layers.Count; k++)
        {
            int n = model.Layers[k].WeightCount;
            Assert.Equal((int)Math.Round(sparsity * n, MidpointRounding.AwayFromZero), result.Layers[k].ZerosAfter);
            AssertSmallestRemoved(new[] { model.Layers[k] }, new[] { result.Model.Layers[k] });
        }
    }

    [Fact]
    public void GlobalScopeRanksAllWeightsTogether()
    {
        PrunedModel model = Model(3, (20, 30, 1f), (30, 10, 0.01f));
        PruningResult result = MagnitudePruner.Prune(model, new MagnitudePruningOptions(0.5, Scope: PruningScope.Global));
        Assert.Equal((int)Math.Round(0.5 * 900), result.ZerosAfter);
        AssertSmallestRemoved(model.Layers, result.Model.Layers);

        // The small-scale layer goes first: all of its 300 weights are smaller than most of layer 0's.
        Assert.Equal(1.0, result.Layers[1].Rate);
    }

    [Fact]
    public void WeightsThatWereAlreadyZeroCountAndAreRankedFirst()
    {
        var layer = new DenseLayer(4, 1, Activation.Linear, new[] { 0f, 0.5f, 0f, -0.25f }, new[] { 0f });
        var model = new PrunedModel(ModelTask.Regression, new[] { layer });
        PruningResult result = MagnitudePruner.Prune(model, new MagnitudePruningOptions(0.75));
        Assert.Equal(new[] { 0f, 0.5f, 0f, 0f }, result.Model.Layers[0].Weights.ToArray());
        Assert.Equal(2, result.Layers[0].ZerosBefore);
        Assert.Equal(3, result.Layers[0].ZerosAfter);
        Assert.Equal(0.75, result.Rate);
    }

    [Fact]
    public void TiesBreakByPositionSoTheResultIsDeterministic()
    {
        var layer = new DenseLayer(4, 1, Activation.Linear, new[] { 0.5f, -0.5f, 0.5f, 0.5f }, new[] { 0f });
        var model = new PrunedModel(ModelTask.Regression, new[] { layer });
        PruningResult result = MagnitudePruner.Prune(model, new MagnitudePruningOptions(0.5));
        Assert.Equal(new[] { 0f, 0f, 0.5f, 0.5f }, result.Model.Layers[0].Weights.ToArray());
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(0.5, 0.1f)]
    [InlineData(1.5, null)]
    [InlineData(-0.1, null)]
    [InlineData(null, -1f)]
    [InlineData(null, float.NaN)]
    public void RejectsSettingsThatDoNotSayWhatToPrune(double? sparsity, float? threshold)
    {
        Assert.Throws<ArgumentException>(() => MagnitudePruner.Prune(Model(4, (2, 2, 1f)), new MagnitudePruningOptions(sparsity, threshold)));
    }

    [Theory]
    [InlineData(0.5, PruningScope.Global)]
    [InlineData(0.9, PruningScope.Global)]
    [InlineData(0.9, PruningScope.Layer)]
    public void BlockMasksAreAlignedAndRankedByTheirNorm(double sparsity, PruningScope scope)
    {
        // 20 outputs: blocks of 8, 8 and a last one of 4; 10 outputs: 8 and 2.
        PrunedModel model = Model(6, (12, 20, 1f), (20, 10, 1f));
        PruningResult result = MagnitudePruner.Prune(model, new MagnitudePruningOptions(sparsity, Scope: scope, Granularity: PruningGranularity.Block));
        Assert.All(result.Model.Layers, l => Assert.Equal(8, l.BlockSize));
        Assert.All(result.Model.Layers, l => Assert.True(BlockPattern.IsAligned(l, 8), "a block was split"));

        // Short of the target by less than one block per group of layers ranked together.
        int groups = scope == PruningScope.Layer ? 2 : 1;
        Assert.InRange(result.ZerosAfter, Math.Round(sparsity * result.Weights) - (8 * groups), Math.Round(sparsity * result.Weights));

        // Every removed full block's RMS is at most every kept full block's, among the blocks ranked
        // together (a short last block may be taken out of order when a full one no longer fits).
        var removed = new List<double>[2] { new(), new() };
        var kept = new List<double>[2] { new(), new() };
        for (int k = 0; k < model.Layers.Count; k++)
        {
            DenseLayer before = model.Layers[k];
            for (int first = 0; first + 8 <= before.OutputSize; first += 8)
            {
                for (int i = 0; i < before.InputSize; i++)
                {
                    double rms = Math.Sqrt(Enumerable.Range(first, 8).Sum(j => (double)before.Weight(j, i) * before.Weight(j, i)) / 8);
                    int group = scope == PruningScope.Layer ? k : 0;
                    (result.Model.Layers[k].Weight(first, i) == 0f ? removed[group] : kept[group]).Add(rms);
                }
            }
        }

        for (int g = 0; g < 2; g++)
        {
            if (removed[g].Count > 0 && kept[g].Count > 0)
            {
                Assert.True(removed[g].Max() <= kept[g].Min() + 1e-6, $"a block of RMS {removed[g].Max()} was removed while one of {kept[g].Min()} was kept");
            }
        }
    }

    [Fact]
    public void ABlockThresholdIsOnTheBlocksRootMeanSquare()
    {
        // One input, 4 outputs, blocks of 2: RMS of (0.3, 0.4) is 0.354, of (0.1, 0.6) is 0.430.
        var layer = new DenseLayer(1, 4, Activation.Linear, new[] { 0.3f, 0.4f, 0.1f, 0.6f }, new float[4]);
        var model = new PrunedModel(ModelTask.Regression, new[] { layer, new DenseLayer(4, 1, Activation.Linear, new[] { 1f, 1f, 1f, 1f }, new[] { 0f }) });
        PruningResult result = MagnitudePruner.Prune(model, new MagnitudePruningOptions(Threshold: 0.4f, Granularity: PruningGranularity.Block, BlockSize: 2));
        Assert.Equal(new[] { 0f, 0f, 0.1f, 0.6f }, result.Model.Layers[0].Weights.ToArray());
        Assert.Equal(new[] { 2, 1 }, result.Model.Layers.Select(l => l.BlockSize)); // a layer of one output: one block per input
    }

    [Fact]
    public void ElementPruningRecordsBlockSizeOneBecauseItsZerosNeedNotBeAligned()
    {
        PrunedModel model = Model(7, (4, 16, 1f), (16, 8, 1f));
        PrunedModel blocked = MagnitudePruner.Prune(model, new MagnitudePruningOptions(0.5, Granularity: PruningGranularity.Block)).Model;
        Assert.Equal(new[] { 8, 8 }, blocked.Layers.Select(l => l.BlockSize));
        Assert.Equal(new[] { 8, 8 }, PrunedModel.Parse(blocked.ToJson()).Layers.Select(l => l.BlockSize));
        PrunedModel element = MagnitudePruner.Prune(blocked, new MagnitudePruningOptions(0.7)).Model;
        Assert.Equal(new[] { 1, 1 }, element.Layers.Select(l => l.BlockSize));
    }

    private static void AssertSmallestRemoved(IReadOnlyList<DenseLayer> before, IReadOnlyList<DenseLayer> after)
    {
        var removed = new List<float>();
        var kept = new List<float>();
        for (int k = 0; k < before.Count; k++)
        {
            for (int n = 0; n < before[k].WeightCount; n++)
            {
                float w = before[k].Weights[n];
                if (after[k].Weights[n] == 0f)
                {
                    removed.Add(MathF.Abs(w));
                }
                else
                {
                    Assert.Equal(w, after[k].Weights[n]);
                    kept.Add(MathF.Abs(w));
                }
            }
        }

        if (removed.Count > 0 && kept.Count > 0)
        {
            Assert.True(removed.Max() <= kept.Min(), $"a weight of |w| = {removed.Max()} was removed while one of {kept.Min()} was kept");
        }
    }
}
