using Prunet.Data;

namespace Prunet.Training;

/// <summary>How well a model does on a dataset.</summary>
/// <param name="Rows">Rows evaluated.</param>
/// <param name="Accuracy">Classification: fraction of rows whose largest output is the label; else null.</param>
/// <param name="Mse">Regression: mean squared error in the target's units; else null.</param>
/// <param name="Mae">Regression: mean absolute error in the target's units; else null.</param>
/// <param name="R2">Regression: 1 - SS_residual / SS_total (the data's own mean as baseline); null when the target is constant.</param>
public sealed record Metrics(int Rows, double? Accuracy, double? Mse, double? Mae, double? R2);

/// <summary>Measures models with the reference interpreter, the definition of what a model computes.</summary>
public static class Evaluator
{
    /// <summary>
    /// Runs every row of <paramref name="data"/> through <see cref="PrunedModel.PredictBatch"/> and
    /// compares with its labels or targets. Metrics of an empty dataset are null.
    /// </summary>
    /// <exception cref="ArgumentException">The data does not fit the model (features, task, classes).</exception>
    public static Metrics Evaluate(PrunedModel model, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        string problem = Mismatch(model, data);
        if (problem.Length > 0)
        {
            throw new ArgumentException(problem, nameof(data));
        }

        if (data.Rows == 0)
        {
            return new Metrics(0, null, null, null, null);
        }

        float[] outputs = Predict(model, data);
        int width = model.OutputSize;
        if (data.Task == ModelTask.Classification)
        {
            int correct = 0;
            for (int r = 0; r < data.Rows; r++)
            {
                correct += PrunedModel.ArgMax(outputs.AsSpan(r * width, width)) == data.Labels![r] ? 1 : 0;
            }

            return new Metrics(data.Rows, (double)correct / data.Rows, null, null, null);
        }

        double squared = 0, absolute = 0, mean = 0, total = 0;
        for (int r = 0; r < data.Rows; r++)
        {
            double error = (double)outputs[r] - data.Targets![r];
            squared += error * error;
            absolute += Math.Abs(error);
            mean += data.Targets[r];
        }

        mean /= data.Rows;
        foreach (float t in data.Targets!)
        {
            total += (t - mean) * (t - mean);
        }

        return new Metrics(data.Rows, null, squared / data.Rows, absolute / data.Rows, total > 0 ? 1 - (squared / total) : null);
    }

    /// <summary>Why the data cannot be fed to the model, or empty when it can.</summary>
    internal static string Mismatch(PrunedModel model, Dataset data)
    {
        if (model.InputSize != data.Features)
        {
            return "the model takes " + model.InputSize + " features but " + data.Name + " has " + data.Features;
        }

        if (model.Task != data.Task)
        {
            return "the model is a " + Describe(model.Task) + " model but " + data.Name + " is a " + Describe(data.Task) + " dataset";
        }

        if (model.Task == ModelTask.Regression)
        {
            return model.OutputSize == 1 ? string.Empty : "the model has " + model.OutputSize + " outputs; a dataset has one regression target";
        }

        if (model.OutputSize != data.ClassNames!.Count)
        {
            return "the model has " + model.OutputSize + " outputs (classes) but " + data.Name + " has " + data.ClassNames.Count + " classes";
        }

        if (model.Labels != null && !model.Labels.SequenceEqual(data.ClassNames, StringComparer.Ordinal))
        {
            return "the model's classes (" + string.Join(", ", model.Labels) + ") are not " + data.Name + "'s (" + string.Join(", ", data.ClassNames) + ")";
        }

        return string.Empty;
    }

    // Rows are independent, so chunks run in parallel; each output is the interpreter's, whichever thread runs it.
    private static float[] Predict(PrunedModel model, Dataset data)
    {
        const int chunk = 512;
        var outputs = new float[(long)data.Rows * model.OutputSize];
        int chunks = (data.Rows + chunk - 1) / chunk;

        Parallel.For(0, chunks, c =>
        {
            int start = c * chunk;
            int rows = Math.Min(chunk, data.Rows - start);
            model.PredictBatch(data.X.AsSpan(start * data.Features, rows * data.Features), outputs.AsSpan(start * model.OutputSize, rows * model.OutputSize));
        });
        return outputs;
    }

    private static string Describe(ModelTask task) => task == ModelTask.Classification ? "classification" : "regression";
}
