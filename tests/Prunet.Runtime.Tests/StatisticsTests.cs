namespace Prunet.Tests;

public class StatisticsTests
{
    [Fact]
    public void CountsWeightsNonzerosAndBothKindsOfDeadNeurons()
    {
        // Hidden neuron 0: no incoming weights (constant); neuron 1: alive; neuron 2: no outgoing weights.
        var hidden = new DenseLayer(3, 3, Activation.Relu, new[] { 0f, 0f, 0f, 1f, 2f, 0f, 0f, 0f, 3f }, new[] { 0.5f, 0f, 1f });
        var output = new DenseLayer(3, 2, Activation.Linear, new[] { 1f, 1f, 0f, 0f, -1f, 0f }, new[] { 0f, 0f });
        ModelStatistics stats = new PrunedModel(ModelTask.Classification, new[] { hidden, output }).Statistics;

        Assert.Equal(15, stats.Weights);
        Assert.Equal(3 + 3, stats.NonzeroWeights);
        Assert.Equal(15 + 5, stats.Parameters);
        Assert.Equal(6 + 2, stats.NonzeroParameters);
        Assert.Equal(1 - 6.0 / 15, stats.Sparsity, 12);
        Assert.Equal(6, stats.MultiplyAdds);
        Assert.Equal(1, stats.Layers[0].ConstantNeurons);
        Assert.Equal(1, stats.Layers[0].NeuronsWithoutOutputs);
        Assert.Equal(2, stats.DeadNeurons);
        Assert.Equal(0, stats.Layers[1].DeadNeurons);
        Assert.Equal(1 - 3.0 / 9, stats.Layers[0].Sparsity, 12);
    }

    [Fact]
    public void ANeuronWithNeitherInputsNorOutputsCountsOnce()
    {
        var hidden = new DenseLayer(1, 2, Activation.Relu, new[] { 0f, 1f }, new[] { 0f, 0f });
        var output = new DenseLayer(2, 2, Activation.Linear, new[] { 0f, 1f, 0f, 1f }, new[] { 0f, 0f });
        ModelStatistics stats = new PrunedModel(ModelTask.Classification, new[] { hidden, output }).Statistics;
        Assert.Equal(1, stats.DeadNeurons);
        Assert.Equal(1, stats.Layers[0].NeuronsWithoutOutputs);
        Assert.Equal(0, stats.Layers[0].ConstantNeurons);
    }
}
