using System.Globalization;
using ScottPlot;

namespace Prunet.Cli.Commands;

/// <summary>The charts of a sweep, as PNG bytes: drawn here, written atomically by the command.</summary>
internal static class SweepCharts
{
    private const int Width = 800;
    private const int Height = 500;

    public static IReadOnlyList<string> Names { get; } = new[] { "accuracy-vs-sparsity.png", "layer-sparsity.png", "weight-histogram.png" };

    public static IEnumerable<(string Name, byte[] Png)> Draw(Sweep sweep)
    {
        yield return (Names[0], MetricVersusSparsity(sweep));
        yield return (Names[1], LayerSparsity(sweep));
        yield return (Names[2], WeightHistogram(sweep));
    }

    /// <summary>Test (and validation) metric against the achieved sparsity, with the dense model as a line.</summary>
    private static byte[] MetricVersusSparsity(Sweep sweep)
    {
        var plot = new Plot();
        double[] xs = sweep.Runs.Select(r => 100 * sweep.SparsityOf(r.Model)).ToArray();
        var test = plot.Add.Scatter(xs, sweep.Runs.Select(r => Sweep.MainMetric(r.Metrics.Test) ?? double.NaN).ToArray());
        test.LegendText = "test " + sweep.MetricName;
        test.MarkerSize = 7;
        if (sweep.Runs.All(r => r.Metrics.Validation != null))
        {
            var validation = plot.Add.Scatter(xs, sweep.Runs.Select(r => Sweep.MainMetric(r.Metrics.Validation) ?? double.NaN).ToArray());
            validation.LegendText = "validation " + sweep.MetricName;
            validation.MarkerSize = 5;
            validation.LinePattern = LinePattern.Dashed;
        }

        if (Sweep.MainMetric(sweep.DenseMetrics.Test) is double reference)
        {
            var dense = plot.Add.HorizontalLine(reference);
            dense.LegendText = "dense, test";
            dense.LinePattern = LinePattern.Dotted;
        }

        plot.Title(string.Format(CultureInfo.InvariantCulture, "{0}: {1} pruning, {2} fine-tuning epochs", sweep.Dataset, sweep.Plan.Method == PruningMethod.Neuron ? "neuron" : sweep.Plan.ScheduleName + " magnitude", sweep.FineTuning.Epochs));
        plot.XLabel("sparsity (% of the dense model's weights removed)");
        plot.YLabel(sweep.MetricName);
        plot.ShowLegend(Alignment.LowerLeft);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    /// <summary>Each layer's sparsity against the overall sparsity: where global ranking takes its weights from.</summary>
    private static byte[] LayerSparsity(Sweep sweep)
    {
        var plot = new Plot();
        double[] xs = sweep.Runs.Select(r => 100 * sweep.SparsityOf(r.Model)).ToArray();
        for (int k = 0; k < sweep.Dense.Layers.Count; k++)
        {
            DenseLayer layer = sweep.Dense.Layers[k];
            int index = k;
            var line = plot.Add.Scatter(xs, sweep.Runs.Select(r => 100 * sweep.LayerSparsities(r.Model).ElementAt(index)).ToArray());
            line.LegendText = string.Format(CultureInfo.InvariantCulture, "layer {0} ({1}→{2})", k, layer.InputSize, layer.OutputSize);
            line.MarkerSize = 6;
        }

        plot.Title("Per-layer sparsity");
        plot.XLabel("overall sparsity (%)");
        plot.YLabel("layer sparsity (%)");
        plot.ShowLegend(Alignment.UpperLeft);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    /// <summary>Histogram of the nonzero weights' magnitudes, dense and at each target: pruning empties the bins near 0.</summary>
    private static byte[] WeightHistogram(Sweep sweep)
    {
        const int bins = 60;
        double[] Magnitudes(PrunedModel model) => model.Layers.SelectMany(l => l.Weights.ToArray()).Where(w => w != 0f).Select(w => Math.Abs((double)w)).ToArray();
        double[] dense = Magnitudes(sweep.Dense);
        List<double[]> pruned = sweep.Runs.Select(r => Magnitudes(r.Model)).ToList();

        // Up to the largest 99.9th percentile of the models: the long tail would squash the rest.
        static double Percentile(double[] values) => values.Length == 0 ? 0 : values.Order().ElementAt((int)Math.Min(values.Length - 1, Math.Floor(0.999 * values.Length)));
        double max = pruned.Append(dense).Max(Percentile);
        max = max > 0 ? max : 1;
        var plot = new Plot();
        void Add(string label, double[] values)
        {
            var counts = new double[bins];
            foreach (double v in values)
            {
                if (v < max)
                {
                    counts[(int)(v / max * bins)]++;
                }
            }

            double[] centres = Enumerable.Range(0, bins).Select(b => (b + 0.5) * max / bins).ToArray();
            var line = plot.Add.Scatter(centres, counts.Select(c => c > 0 ? Math.Log10(c) : double.NaN).ToArray());
            line.LegendText = label;
            line.MarkerSize = 0;
            line.LineWidth = 1.5f;
        }

        Add("dense", dense);
        for (int r = 0; r < sweep.Runs.Count; r++)
        {
            Add(string.Format(CultureInfo.InvariantCulture, "{0} {1}", sweep.TargetName, sweep.Runs[r].Target), pruned[r]);
        }

        plot.Title("Nonzero weight magnitudes, before and after pruning (up to the 99.9th percentile)");
        plot.XLabel("|w|");
        plot.YLabel("log10(weights per bin)");
        plot.ShowLegend(Alignment.UpperRight);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }
}
