namespace Prunet.Pruning;

/// <summary>Which weights compete when pruning to a target sparsity.</summary>
public enum PruningScope
{
    /// <summary>Every layer is pruned to the target sparsity on its own.</summary>
    Layer,

    /// <summary>All weights of all layers are ranked together; layers end up with different sparsities.</summary>
    Global,
}

/// <summary>
/// Magnitude pruning settings: either a target <see cref="Sparsity"/> (fraction of weights that are
/// zero afterwards, within each layer or over the whole network) or a <see cref="Threshold"/>
/// (every weight with |w| below it becomes zero). Biases are never pruned.
/// </summary>
public sealed record MagnitudePruningOptions(double? Sparsity = null, float? Threshold = null, PruningScope Scope = PruningScope.Global)
{
    internal void Validate()
    {
        if (Sparsity.HasValue == Threshold.HasValue)
        {
            throw new ArgumentException("magnitude pruning needs exactly one of a target sparsity and a threshold");
        }

        if (Sparsity is double s && !(s >= 0 && s <= 1))
        {
            throw new ArgumentException($"the target sparsity must be between 0 and 1, got {s}");
        }

        if (Threshold is float t && !(t >= 0 && float.IsFinite(t)))
        {
            throw new ArgumentException($"the threshold must be a finite number of at least 0, got {t}");
        }
    }
}

/// <summary>What pruning did to one layer.</summary>
/// <param name="Layer">Position of the layer, from 0.</param>
/// <param name="Weights">All weights of the layer.</param>
/// <param name="ZerosBefore">Weights that were already zero.</param>
/// <param name="ZerosAfter">Weights that are zero after pruning.</param>
public sealed record LayerPruning(int Layer, int Weights, int ZerosBefore, int ZerosAfter)
{
    /// <summary>The pruning rate: removed weights / all weights, counting weights that were zero already.</summary>
    public double Rate => (double)ZerosAfter / Weights;
}

/// <summary>The pruned model and what pruning removed, per layer and overall.</summary>
public sealed record PruningResult(PrunedModel Model, IReadOnlyList<LayerPruning> Layers)
{
    /// <summary>All weights of all layers.</summary>
    public long Weights => Layers.Sum(l => (long)l.Weights);

    /// <summary>Weights that are zero after pruning.</summary>
    public long ZerosAfter => Layers.Sum(l => (long)l.ZerosAfter);

    /// <summary>The overall pruning rate: removed weights / all weights.</summary>
    public double Rate => (double)ZerosAfter / Weights;
}

/// <summary>
/// Removes the weights of smallest magnitude (Han et al. 2015): the classic baseline, and with
/// fine-tuning a strong one. Ties are broken by layer and position, so the result is deterministic.
/// </summary>
public static class MagnitudePruner
{
    /// <summary>Prunes <paramref name="model"/>; its preprocessing, labels and provenance are kept.</summary>
    public static PruningResult Prune(PrunedModel model, MagnitudePruningOptions options)
    {
        options.Validate();
        float[][] weights = model.Layers.Select(l => l.CopyWeights()).ToArray();
        int[] zerosBefore = weights.Select(CountZeros).ToArray();

        if (options.Threshold is float threshold)
        {
            foreach (float[] layer in weights)
            {
                for (int k = 0; k < layer.Length; k++)
                {
                    if (MathF.Abs(layer[k]) < threshold)
                    {
                        layer[k] = 0f;
                    }
                }
            }
        }
        else if (options.Scope == PruningScope.Layer)
        {
            foreach (float[] layer in weights)
            {
                ZeroSmallest(new[] { layer }, options.Sparsity!.Value);
            }
        }
        else
        {
            ZeroSmallest(weights, options.Sparsity!.Value);
        }

        var layers = new DenseLayer[weights.Length];
        var report = new LayerPruning[weights.Length];
        for (int k = 0; k < weights.Length; k++)
        {
            DenseLayer old = model.Layers[k];
            layers[k] = new DenseLayer(old.InputSize, old.OutputSize, old.Activation, weights[k], old.CopyBias(), old.Alpha);
            report[k] = new LayerPruning(k, weights[k].Length, zerosBefore[k], CountZeros(weights[k]));
        }

        return new PruningResult(model.WithLayers(layers), report);
    }

    /// <summary>Zeroes the round(sparsity × n) weights of smallest magnitude among all of <paramref name="groups"/>.</summary>
    private static void ZeroSmallest(float[][] groups, double sparsity)
    {
        long total = groups.Sum(g => (long)g.Length);
        long count = (long)Math.Round(sparsity * total, MidpointRounding.AwayFromZero);
        if (count == 0)
        {
            return;
        }

        // Rank (|w|, group, index) ascending: the position breaks ties, so the result is deterministic.
        var ranked = new (float Magnitude, int Group, int Index)[total];
        long n = 0;
        for (int g = 0; g < groups.Length; g++)
        {
            for (int k = 0; k < groups[g].Length; k++)
            {
                ranked[n++] = (MathF.Abs(groups[g][k]), g, k);
            }
        }

        Array.Sort(ranked);
        for (long r = 0; r < count; r++)
        {
            groups[ranked[r].Group][ranked[r].Index] = 0f;
        }
    }

    private static int CountZeros(float[] values) => values.Count(v => v == 0f);
}
