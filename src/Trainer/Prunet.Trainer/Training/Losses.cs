namespace Prunet.Training;

/// <summary>
/// Cross-entropy of the softmax of a classifier's logits, averaged over the rows of a batch:
/// <c>L = mean_r (logsumexp(z_r) - z_r[label_r])</c>. Computed from logits, never from
/// probabilities, so that a confident wrong answer costs a large finite loss instead of log(0).
/// </summary>
internal static class SoftmaxCrossEntropy
{
    /// <summary>The mean loss of <paramref name="rows"/> rows of <paramref name="classes"/> logits.</summary>
    public static double Loss(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int rows, int classes)
    {
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> z = logits.Slice(r * classes, classes);
            total += LogSumExp(z) - z[labels[r]];
        }

        return total / rows;
    }

    /// <summary>dL/dz = (softmax(z) - onehot(label)) / rows.</summary>
    public static void Gradient(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int rows, int classes, Span<float> dLogits)
    {
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> z = logits.Slice(r * classes, classes);
            Span<float> dz = dLogits.Slice(r * classes, classes);
            double logTotal = LogSumExp(z);
            for (int j = 0; j < classes; j++)
            {
                dz[j] = (float)(Math.Exp(z[j] - logTotal) / rows);
            }

            dz[labels[r]] -= 1f / rows;
        }
    }

    // log Σ exp(z_j), shifted by the largest z so that no exp overflows.
    private static double LogSumExp(ReadOnlySpan<float> z)
    {
        float max = float.NegativeInfinity;
        foreach (float v in z)
        {
            max = Math.Max(max, v);
        }

        double sum = 0;
        foreach (float v in z)
        {
            sum += Math.Exp((double)v - max);
        }

        return max + Math.Log(sum);
    }
}

/// <summary>
/// Mean squared error over every output of every row, <c>L = mean (y - t)²</c>, the regression
/// loss (targets standardised, so that one learning rate suits any unit).
/// </summary>
internal static class MeanSquaredError
{
    /// <summary>The mean of (y - t)² over all values.</summary>
    public static double Loss(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets)
    {
        double total = 0;
        for (int i = 0; i < outputs.Length; i++)
        {
            double error = (double)outputs[i] - targets[i];
            total += error * error;
        }

        return total / outputs.Length;
    }

    /// <summary>dL/dy = 2 (y - t) / n.</summary>
    public static void Gradient(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, Span<float> dOutputs)
    {
        float scale = 2f / outputs.Length;
        for (int i = 0; i < outputs.Length; i++)
        {
            dOutputs[i] = (outputs[i] - targets[i]) * scale;
        }
    }
}
