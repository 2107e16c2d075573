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
