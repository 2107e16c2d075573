namespace Prunet.Tests;

/// <summary>The reference interpreter against arithmetic written out by hand.</summary>
public class InterpreterTests
{
    [Fact]
    public void ComputesPreprocessingLayersAndActivationsInTheDefinedOrder()
    {
        // x' = (x - shift) * scale; h = relu(W1 x' + b1); y = softmax(W2 h + b2)
        var model = new PrunedModel(
            ModelTask.Classification,
            new[]
            {
                new DenseLayer(2, 2, Activation.Relu, new[] { 1f, -1f, 0.5f, 2f }, new[] { 0.25f, -3f }),
                new DenseLayer(2, 3, Activation.Softmax, new[] { 1f, 0f, 0f, 1f, -1f, 0.5f }, new[] { 0f, 0f, 1f }),
            },
            new InputPreprocessing(new[] { 1f, 2f }, new[] { 2f, 0.5f }));
        float[] x = { 3f, 4f };
        double x0 = (3 - 1) * 2.0, x1 = (4 - 2) * 0.5;
        double h0 = Math.Max(0, 0.25 + x0 - x1), h1 = Math.Max(0, -3 + 0.5 * x0 + 2 * x1);
        double[] z = { h0, h1, 1 - h0 + 0.5 * h1 };
        double total = z.Sum(Math.Exp);

        var y = new float[3];
        model.Predict(x, y);
        for (int j = 0; j < 3; j++)
        {
            Assert.Equal(Math.Exp(z[j]) / total, y[j], 6);
        }

        Assert.Equal(Array.IndexOf(z, z.Max()), model.PredictClass(x));
    }

    [Theory]
    [InlineData(Activation.Linear, -2.0, -2.0)]
    [InlineData(Activation.Relu, -2.0, 0.0)]
    [InlineData(Activation.Relu, 1.5, 1.5)]
    [InlineData(Activation.LeakyRelu, -2.0, -0.2)]
    [InlineData(Activation.LeakyRelu, 3.0, 3.0)]
    [InlineData(Activation.Sigmoid, 0.5, 0.62245933120185459)]
    [InlineData(Activation.Tanh, -0.75, -0.63514895238728731)]
    public void EachActivation(Activation activation, double z, double expected)
    {
        float alpha = activation == Activation.LeakyRelu ? 0.1f : 0f;
        var model = new PrunedModel(ModelTask.Regression, new[] { new DenseLayer(1, 1, activation, new[] { 1f }, new[] { 0f }, alpha) });
        var y = new float[1];
        model.Predict(new[] { (float)z }, y);
        Assert.Equal(expected, y[0], 6);
    }

    [Fact]
    public void RegressionOutputsArePostprocessed()
    {
        var model = new PrunedModel(
            ModelTask.Regression,
            new[] { new DenseLayer(1, 2, Activation.Linear, new[] { 2f, -1f }, new[] { 0.5f, 0f }) },
            postprocessing: new OutputPostprocessing(new[] { 10f, 3f }, new[] { 100f, -1f }));
        var y = new float[2];
        model.Predict(new[] { 1.5f }, y);
        Assert.Equal(new[] { (2 * 1.5f + 0.5f) * 10 + 100, -1.5f * 3 - 1 }, y);
        Assert.Throws<InvalidOperationException>(() => model.PredictClass(new[] { 1f }));
    }

    [Fact]
    public void SoftmaxIsStableForLargeLogits()
    {
        var model = new PrunedModel(ModelTask.Classification, new[] { new DenseLayer(1, 2, Activation.Softmax, new[] { 1f, -1f }, new[] { 0f, 0f }) });
        var y = new float[2];
        model.Predict(new[] { 1000f }, y);
        Assert.Equal(new[] { 1f, 0f }, y);
    }

    [Fact]
    public void WrongSpanLengthsNameTheExpectedSize()
    {
        PrunedModel model = RandomModels.Create(2);
        var tooShort = Assert.Throws<ArgumentException>(() => model.Predict(new float[model.InputSize + 1], new float[model.OutputSize]));
        Assert.Contains("expected " + model.InputSize + " input features", tooShort.Message);
        Assert.Equal("input", tooShort.ParamName);
        var output = Assert.Throws<ArgumentException>(() => model.Predict(new float[model.InputSize], new float[model.OutputSize + 2]));
        Assert.Contains("expected " + model.OutputSize + " outputs", output.Message);
        var batch = Assert.Throws<ArgumentException>(() => model.PredictBatch(new float[(2 * model.InputSize) + 1], new float[2 * model.OutputSize]));
        Assert.Contains("multiple of " + model.InputSize, batch.Message);
    }

    [Fact]
    public void BatchesEqualRowByRowPredictions()
    {
        PrunedModel model = RandomModels.Create(9);
        var random = new Random(1);
        const int rows = 7;
        float[] inputs = RandomModels.Input(random, rows * model.InputSize);
        var batch = new float[rows * model.OutputSize];
        model.PredictBatch(inputs, batch);
        var single = new float[model.OutputSize];
        for (int r = 0; r < rows; r++)
        {
            model.Predict(inputs.AsSpan(r * model.InputSize, model.InputSize), single);
            Assert.Equal(single, batch.AsSpan(r * model.OutputSize, model.OutputSize).ToArray());
        }
    }

    [Fact]
    public void PredictIsSafeFromManyThreads()
    {
        PrunedModel model = RandomModels.Create(12);
        float[][] inputs = Enumerable.Range(0, 64).Select(i => RandomModels.Input(new Random(i), model.InputSize)).ToArray();
        float[][] expected = inputs.Select(x => { var y = new float[model.OutputSize]; model.Predict(x, y); return y; }).ToArray();
        Parallel.For(0, 2000, n =>
        {
            var y = new float[model.OutputSize];
            model.Predict(inputs[n % 64], y);
            Assert.Equal(expected[n % 64], y);
        });
    }
}
