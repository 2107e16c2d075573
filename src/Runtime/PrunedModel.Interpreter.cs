using System;
using System.Buffers;

namespace Prunet;

// The reference interpreter. It defines what a model computes; the generated code, the trainer's
// evaluation and every exporter must agree with it under OutputAgreement. It is written for
// clarity, not speed: sums are accumulated in double, in input order.
public sealed partial class PrunedModel
{
    // 0 until first computed; an int, so threads that race to compute it write the same value atomically.
    private int _widestLayer;

    /// <summary>
    /// Computes the outputs for one row of raw features: preprocessing, every layer, then (for
    /// regression) postprocessing. Classifiers with a softmax last layer output probabilities.
    /// </summary>
    /// <exception cref="ArgumentException">A span's length is not <see cref="InputSize"/> or <see cref="OutputSize"/>.</exception>
    public void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        CheckLength(input.Length, InputSize, nameof(input), "input features");
        CheckLength(output.Length, OutputSize, nameof(output), "outputs");
        int width = _widestLayer > 0 ? _widestLayer : (_widestLayer = WidestLayer());
        float[] rented = ArrayPool<float>.Shared.Rent(2 * width);
        try
        {
            Span<float> current = rented.AsSpan(0, width);
            Span<float> next = rented.AsSpan(width, width);
            Preprocess(input, current);
            int size = InputSize;
            foreach (DenseLayer layer in _layers)
            {
                Forward(layer, current.Slice(0, size), next.Slice(0, layer.OutputSize));
                size = layer.OutputSize;
                Span<float> swap = current;
                current = next;
                next = swap;
            }

            Postprocess(current.Slice(0, size), output);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>The index of the largest output (the first one on ties) of a classifier.</summary>
    /// <exception cref="InvalidOperationException">The model is a regression model.</exception>
    public int PredictClass(ReadOnlySpan<float> input)
    {
        if (Task != ModelTask.Classification)
        {
            throw new InvalidOperationException("PredictClass applies to classification models; this is a regression model");
        }

        float[] output = ArrayPool<float>.Shared.Rent(OutputSize);
        try
        {
            Span<float> scores = output.AsSpan(0, OutputSize);
            Predict(input, scores);
            return ArgMax(scores);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(output);
        }
    }

    /// <summary>
    /// Predicts a batch of rows stored row-major: <paramref name="inputs"/> holds rows × <see cref="InputSize"/>
    /// values, <paramref name="outputs"/> receives rows × <see cref="OutputSize"/>.
    /// </summary>
    public void PredictBatch(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        if (inputs.Length % InputSize != 0)
        {
            throw new ArgumentException("expected a multiple of " + InputSize + " input values (rows × " + InputSize + " features), got " + inputs.Length, nameof(inputs));
        }

        int rows = inputs.Length / InputSize;
        CheckLength(outputs.Length, rows * OutputSize, nameof(outputs), "output values (" + rows + " rows × " + OutputSize + ")");
        for (int r = 0; r < rows; r++)
        {
            Predict(inputs.Slice(r * InputSize, InputSize), outputs.Slice(r * OutputSize, OutputSize));
        }
    }

    /// <summary>The index of the largest value, the first one on ties.</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int j = 1; j < values.Length; j++)
        {
            if (values[j] > values[best])
            {
                best = j;
            }
        }

        return best;
    }

    private void Preprocess(ReadOnlySpan<float> input, Span<float> features)
    {
        if (Preprocessing == null)
        {
            input.CopyTo(features);
            return;
        }

        ReadOnlySpan<float> shift = Preprocessing.Shift;
        ReadOnlySpan<float> scale = Preprocessing.Scale;
        for (int i = 0; i < input.Length; i++)
        {
            features[i] = (input[i] - shift[i]) * scale[i];
        }
    }

    private void Postprocess(ReadOnlySpan<float> network, Span<float> output)
    {
        if (Postprocessing == null)
        {
            network.CopyTo(output);
            return;
        }

        ReadOnlySpan<float> scale = Postprocessing.Scale;
        ReadOnlySpan<float> shift = Postprocessing.Shift;
        for (int j = 0; j < network.Length; j++)
        {
            output[j] = (network[j] * scale[j]) + shift[j];
        }
    }

    private static void Forward(DenseLayer layer, ReadOnlySpan<float> x, Span<float> y)
    {
        ReadOnlySpan<float> bias = layer.Bias;
        for (int j = 0; j < layer.OutputSize; j++)
        {
            ReadOnlySpan<float> row = layer.Row(j);
            double sum = bias[j];
            for (int i = 0; i < row.Length; i++)
            {
                sum += (double)row[i] * x[i];
            }

            y[j] = (float)sum;
        }

        Activate(layer.Activation, layer.Alpha, y);
    }

    private static void Activate(Activation activation, float alpha, Span<float> z)
    {
        switch (activation)
        {
            case Activation.Linear:
                return;
            case Activation.Softmax:
                float max = float.NegativeInfinity;
                foreach (float v in z)
                {
                    max = Math.Max(max, v);
                }

                double total = 0;
                for (int j = 0; j < z.Length; j++)
                {
                    total += Math.Exp((double)z[j] - max);
                }

                for (int j = 0; j < z.Length; j++)
                {
                    z[j] = (float)(Math.Exp((double)z[j] - max) / total);
                }

                return;
            default:
                for (int j = 0; j < z.Length; j++)
                {
                    z[j] = ActivationFunction.Apply(activation, alpha, z[j]);
                }

                return;
        }
    }

    private int WidestLayer()
    {
        int width = InputSize;
        foreach (DenseLayer layer in _layers)
        {
            width = Math.Max(width, layer.OutputSize);
        }

        return width;
    }

    private static void CheckLength(int actual, int expected, string parameter, string what)
    {
        if (actual != expected)
        {
            throw new ArgumentException("expected " + expected + " " + what + ", got " + actual, parameter);
        }
    }
}
