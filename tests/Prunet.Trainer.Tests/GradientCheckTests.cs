using Prunet.Training;

namespace Prunet.Tests;

/// <summary>
/// The network's backward pass against central finite differences of the loss. The loss is
/// recomputed here in double precision, from the definitions of the activations and losses, so
/// the check tests forward semantics too and is not limited by float rounding.
/// </summary>
public class GradientCheckTests
{
    public static TheoryData<Activation, bool> Cases()
    {
        var data = new TheoryData<Activation, bool>();
        foreach (Activation activation in new[] { Activation.Linear, Activation.Relu, Activation.LeakyRelu, Activation.Sigmoid, Activation.Tanh })
        {
            data.Add(activation, true);
            data.Add(activation, false);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BackwardMatchesFiniteDifferences(Activation activation, bool classification)
    {
        const int rows = 7;
        int[] sizes = { 5, 4, 3, classification ? 3 : 2 };
        var random = new SplitMix64(42, 99);
        var layers = new TrainableLayer[sizes.Length - 1];
        for (int k = 0; k < layers.Length; k++)
        {
            Activation act = k == layers.Length - 1 ? Activation.Linear : activation;
            float alpha = act == Activation.LeakyRelu ? 0.1f : 0f;
            float[] bias = Enumerable.Range(0, sizes[k + 1]).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
            layers[k] = new TrainableLayer(sizes[k], sizes[k + 1], act, alpha, ModelTrainer.InitialWeights(sizes[k], sizes[k + 1], act, random), bias);
        }

        float[] x = Enumerable.Range(0, rows * sizes[0]).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
        int[] labels = Enumerable.Range(0, rows).Select(r => r % sizes[^1]).ToArray();
        float[] targets = Enumerable.Range(0, rows * sizes[^1]).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();

        var network = new Network(layers, new MatrixMultiply(MatrixMultiply.BestKernel, 1));
        ReadOnlySpan<float> output = network.Forward(x, rows);
        var dOutput = new float[output.Length];
        if (classification)
        {
            SoftmaxCrossEntropy.Gradient(output, labels, rows, sizes[^1], dOutput);
            Assert.Equal(ReferenceLoss(layers, x, rows, labels, targets, classification), SoftmaxCrossEntropy.Loss(output, labels, rows, sizes[^1]), 5);
        }
        else
        {
            MeanSquaredError.Gradient(output, targets, dOutput);
            Assert.Equal(ReferenceLoss(layers, x, rows, labels, targets, classification), MeanSquaredError.Loss(output, targets), 5);
        }

        network.Backward(x, rows, dOutput);
        int checkedCount = 0;
        foreach (TrainableLayer layer in layers)
        {
            checkedCount += Check(layer.Weights, layer.WeightGradient, () => ReferenceLoss(layers, x, rows, labels, targets, classification));
            checkedCount += Check(layer.Bias, layer.BiasGradient, () => ReferenceLoss(layers, x, rows, labels, targets, classification));
        }

        Assert.Equal(layers.Sum(l => l.Weights.Length + l.Bias.Length), checkedCount);
    }

    // Central differences for every parameter. Parameters are floats, so the step divided by is the
    // one actually taken (perturbed float minus original, in double), not the one asked for.
    private static int Check(float[] parameters, float[] analytic, Func<double> loss)
    {
        for (int i = 0; i < parameters.Length; i++)
        {
            float original = parameters[i];
            float h = Math.Max(1e-3f, Math.Abs(original) * 1e-3f);
            parameters[i] = original + h;
            double plusH = (double)parameters[i] - original;
            double up = loss();
            parameters[i] = original - h;
            double minusH = original - (double)parameters[i];
            double down = loss();
            parameters[i] = original;
            double numeric = (up - down) / (plusH + minusH);
            double tolerance = 1e-4 + (2e-3 * Math.Abs(numeric));
            Assert.True(
                Math.Abs(analytic[i] - numeric) <= tolerance,
                $"parameter {i}: backward gives {analytic[i]:R}, finite differences {numeric:R}");
        }

        return parameters.Length;
    }

    // The network's loss in double precision, straight from the definitions.
    private static double ReferenceLoss(TrainableLayer[] layers, float[] x, int rows, int[] labels, float[] targets, bool classification)
    {
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            double[] a = x.Skip(r * layers[0].InputSize).Take(layers[0].InputSize).Select(v => (double)v).ToArray();
            foreach (TrainableLayer layer in layers)
            {
                var z = new double[layer.OutputSize];
                for (int j = 0; j < z.Length; j++)
                {
                    z[j] = layer.Bias[j];
                    for (int i = 0; i < a.Length; i++)
                    {
                        z[j] += (double)layer.Weights[(j * layer.InputSize) + i] * a[i];
                    }
                }

                a = z.Select(v => Activate(layer.Activation, layer.Alpha, v)).ToArray();
            }

            if (classification)
            {
                double max = a.Max();
                double logSum = max + Math.Log(a.Sum(v => Math.Exp(v - max)));
                total += logSum - a[labels[r]];
            }
            else
            {
                for (int j = 0; j < a.Length; j++)
                {
                    double e = a[j] - targets[(r * a.Length) + j];
                    total += e * e / a.Length;
                }
            }
        }

        return total / rows;
    }

    private static double Activate(Activation activation, float alpha, double z) => activation switch
    {
        Activation.Linear => z,
        Activation.Relu => Math.Max(0, z),
        Activation.LeakyRelu => z > 0 ? z : alpha * z,
        Activation.Sigmoid => 1 / (1 + Math.Exp(-z)),
        Activation.Tanh => Math.Tanh(z),
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };
}
