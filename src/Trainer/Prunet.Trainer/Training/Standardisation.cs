using Prunet.Data;

namespace Prunet.Training;

/// <summary>
/// Zero mean and unit variance for features and regression targets, from the rows the network is
/// fitted on. Stored in the model (preprocessing <c>x' = (x - mean) / std</c>, postprocessing
/// <c>y = y' · std + mean</c>), so that users pass raw values and one learning rate suits any units.
/// </summary>
internal static class Standardisation
{
    /// <summary>shift = mean, scale = 1/std per feature over <paramref name="rows"/>; scale 1 for constant features.</summary>
    public static InputPreprocessing Features(Dataset data, IReadOnlyList<int> rows)
    {
        var mean = new double[data.Features];
        var square = new double[data.Features];
        foreach (int r in rows)
        {
            ReadOnlySpan<float> x = data.Row(r);
            for (int i = 0; i < x.Length; i++)
            {
                mean[i] += x[i];
            }
        }

        for (int i = 0; i < mean.Length; i++)
        {
            mean[i] /= rows.Count;
        }

        // Two passes: Σ(x - mean)² does not cancel catastrophically the way Σx² - n·mean² can.
        foreach (int r in rows)
        {
            ReadOnlySpan<float> x = data.Row(r);
            for (int i = 0; i < x.Length; i++)
            {
                double d = x[i] - mean[i];
                square[i] += d * d;
            }
        }

        var shift = new float[data.Features];
        var scale = new float[data.Features];
        for (int i = 0; i < shift.Length; i++)
        {
            shift[i] = (float)mean[i];
            scale[i] = InverseOrOne(Math.Sqrt(square[i] / rows.Count));
        }

        return new InputPreprocessing(shift, scale);
    }

    /// <summary>scale = std, shift = mean of the targets of <paramref name="rows"/>; scale 1 for a constant target.</summary>
    public static OutputPostprocessing Target(Dataset data, IReadOnlyList<int> rows)
    {
        double mean = rows.Average(r => (double)data.Targets![r]);
        double variance = rows.Average(r => ((double)data.Targets![r] - mean) * ((double)data.Targets![r] - mean));
        float std = (float)Math.Sqrt(variance);
        return new OutputPostprocessing(new[] { std > 0 && float.IsFinite(std) ? std : 1f }, new[] { (float)mean });
    }

    /// <summary>The preprocessed rows: <c>(x - shift) * scale</c>, or the raw rows without preprocessing.</summary>
    public static float[] Apply(InputPreprocessing? preprocessing, Dataset data, IReadOnlyList<int> rows)
    {
        var x = new float[(long)rows.Count * data.Features];
        for (int k = 0; k < rows.Count; k++)
        {
            ReadOnlySpan<float> raw = data.Row(rows[k]);
            Span<float> row = x.AsSpan(k * data.Features, data.Features);
            for (int i = 0; i < row.Length; i++)
            {
                // The interpreter's exact expression, so training sees what inference will.
                row[i] = preprocessing == null ? raw[i] : (raw[i] - preprocessing.Shift[i]) * preprocessing.Scale[i];
            }
        }

        return x;
    }

    /// <summary>The network's targets: <c>(t - shift) / scale</c>, the inverse of the postprocessing.</summary>
    public static float[] ApplyInverse(OutputPostprocessing? postprocessing, Dataset data, IReadOnlyList<int> rows)
    {
        var t = new float[rows.Count];
        for (int k = 0; k < rows.Count; k++)
        {
            float raw = data.Targets![rows[k]];
            t[k] = postprocessing == null ? raw : (raw - postprocessing.Shift[0]) / postprocessing.Scale[0];
        }

        return t;
    }

    private static float InverseOrOne(double std)
    {
        float inverse = (float)(1.0 / std);
        return std > 0 && float.IsFinite(inverse) ? inverse : 1f;
    }
}
