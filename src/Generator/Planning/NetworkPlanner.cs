using System;
using System.Collections.Generic;

namespace Prunet.Generator.Planning;

/// <summary>
/// Plans the generated code for a model: pure functions over <see cref="PrunedModel"/>, so they
/// are tested without Roslyn.
/// <list type="bullet">
/// <item>Dead-neuron removal, to a fixed point: a hidden neuron whose every outgoing weight is
/// zero is removed; one whose every incoming weight is zero outputs the constant act(bias),
/// which is added (times its outgoing weights) to the next layer's biases, and it is removed.
/// Removing one neuron can make others dead, hence the fixed point.</item>
/// <item>Leading layers left with no neurons are dropped; the next layer is then constant.</item>
/// <item>Input features that no remaining first-layer weight reads are skipped.</item>
/// <item>A kernel per layer (<see cref="KernelChoice"/>), and whether the whole network is one
/// straight-line method (<see cref="NetworkPlan.StraightLine"/>).</item>
/// </list>
/// The result computes what the reference interpreter computes for finite inputs: folded
/// constants are evaluated with the interpreter's formulas and added to biases in double.
/// </summary>
internal static class NetworkPlanner
{
    public static NetworkPlan Plan(PrunedModel model, KernelRequest request, bool straightLine = true, bool kernelFromProject = false)
    {
        IReadOnlyList<DenseLayer> layers = model.Layers;
        int count = layers.Count;

        // alive[k][j]: neuron j of layer k is still computed. Output neurons always are.
        var alive = new bool[count][];
        var bias = new double[count][];
        var removed = new int[count];
        var folded = new int[count];
        for (int k = 0; k < count; k++)
        {
            alive[k] = new bool[layers[k].OutputSize];
            alive[k].AsSpan().Fill(true);
            bias[k] = new double[layers[k].OutputSize];
            for (int j = 0; j < bias[k].Length; j++)
            {
                bias[k][j] = layers[k].Bias[j];
            }
        }

        // Layers pruned in blocks of eight outputs (dense layers are not: they keep every neuron).
        var blockPruned = new bool[count];
        for (int k = 0; k < count; k++)
        {
            blockPruned[k] = layers[k].NonzeroCount < layers[k].WeightCount && BlockStructure.IsAligned(layers[k]);
        }

        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int k = 0; k < count - 1; k++)
            {
                DenseLayer layer = layers[k];
                DenseLayer next = layers[k + 1];
                for (int j = 0; j < layer.OutputSize; j++)
                {
                    if (!alive[k][j])
                    {
                        continue;
                    }

                    if (!HasOutgoing(next, alive[k + 1], j))
                    {
                        // In a block-pruned layer a neuron goes only with its whole block of
                        // outputs: removing one alone would shift the rows after it out of their
                        // blocks, and the layer would lose its block-sparse kernel for one neuron.
                        int group = j / BlockStructure.Width * BlockStructure.Width;
                        bool inWholeBlock = blockPruned[k] && group + BlockStructure.Width <= layer.OutputSize;
                        if (!inWholeBlock)
                        {
                            alive[k][j] = false;
                            removed[k]++;
                            changed = true;
                        }
                        else if (BlockHasNoOutgoing(next, alive[k], alive[k + 1], group))
                        {
                            for (int g = group; g < group + BlockStructure.Width; g++)
                            {
                                if (alive[k][g])
                                {
                                    alive[k][g] = false;
                                    removed[k]++;
                                }
                            }

                            changed = true;
                        }
                    }
                    else if (!HasIncoming(layer, k == 0 ? null : alive[k - 1], j))
                    {
                        // Every neuron of the next layer that reads j gets w * act(bias_j) added to
                        // its bias. bias[k][j] is final here: the previous layer's neurons that
                        // could still change it have zero weights into j.
                        // Softmax is only allowed on the last layer, whose neurons are never folded.
                        double constant = ActivationFunction.Apply(layer.Activation, layer.Alpha, (float)bias[k][j]);
                        for (int o = 0; o < next.OutputSize; o++)
                        {
                            if (alive[k + 1][o])
                            {
                                bias[k + 1][o] += next.Weight(o, j) * constant;
                            }
                        }

                        alive[k][j] = false;
                        folded[k]++;
                        changed = true;
                    }
                }
            }
        }

        // A hidden layer with no neuron left cuts the network: what comes before it cannot
        // reach the outputs (the fixed point has emptied those layers too).
        int first = 0;
        for (int k = 0; k < count - 1; k++)
        {
            if (Array.IndexOf(alive[k], true) < 0)
            {
                first = k + 1;
            }
        }

        int[] usedInputs = first == 0 ? UsedColumns(layers[0], alive[0]) : Array.Empty<int>();
        bool fold = first == 0 && model.Preprocessing != null && CanFold(model.Preprocessing, usedInputs);

        // The remaining weights of each layer, built once to count them: the kernels depend on them.
        var counted = new List<LayerPlan>();
        long totalNonzeros = 0;
        int totalWidth = usedInputs.Length;
        for (int k = first; k < count; k++)
        {
            int[] columns = k == first ? usedInputs : Indices(alive[k - 1]);
            int[] rows = Indices(alive[k]);
            DenseLayer layer = layers[k];
            var weights = new float[rows.Length * columns.Length];
            var layerBias = new float[rows.Length];
            for (int r = 0; r < rows.Length; r++)
            {
                layerBias[r] = (float)bias[k][rows[r]];
                for (int c = 0; c < columns.Length; c++)
                {
                    weights[(r * columns.Length) + c] = layer.Weight(rows[r], columns[c]);
                }
            }

            if (k == 0 && fold)
            {
                FoldPreprocessing(model.Preprocessing!, columns, weights, bias[k], rows, layerBias);
            }

            // A first layer that addresses its inputs by index reads the caller's raw features in
            // place, skipped features and all, when no preprocessing is left to apply (every kernel
            // but DenseSimd, which reads a gathered copy). The kernel is chosen on that layout.
            bool rawInput = k == 0 && (model.Preprocessing == null || fold);
            int[]? rawIndices = rawInput && columns.Length != model.InputSize && columns.Length > 0 ? columns : null;
            var plan = new LayerPlan(k + 1, k == count - 1, layer, columns.Length, rows.Length, weights, layerBias, removed[k], folded[k], LayerKernel.SparseRows, string.Empty, rawIndices);
            counted.Add(plan);
            totalNonzeros += plan.Nonzeros;
            totalWidth += rows.Length;
        }

        // A small network may become one straight-line method (KernelChoice.StraightLineMultiplyAdds);
        // Auto then chooses between the two kernels that straight-line code has.
        bool small = straightLine && totalNonzeros <= KernelChoice.StraightLineMultiplyAdds && totalWidth <= KernelChoice.StraightLineWidth
            && (request == KernelRequest.Auto || request == KernelRequest.Unrolled || request == KernelRequest.DenseSimd);
        var plans = new List<LayerPlan>();
        var warnings = new List<PlanWarning>();
        long executed = 0, unrolledTerms = 0;
        foreach (LayerPlan layer in counted)
        {
            int k = layer.Number - 1;
            bool inputsOftenZero = k > first && layers[k - 1].Activation == Activation.Relu;
            (LayerKernel kernel, string reason, bool refused) = KernelChoice.Choose(request, layer, inputsOftenZero, small, kernelFromProject);
            if (refused)
            {
                warnings.Add(new PlanWarning(k + 1, layer.Nonzeros, layer.LongestRow));
            }

            int[]? inputIndices = kernel != LayerKernel.DenseSimd ? layer.InputIndices : null;
            LayerPlan chosen = layer.WithKernel(kernel, reason, inputIndices);
            plans.Add(chosen);
            executed += chosen.ExecutedMultiplyAdds;
            unrolledTerms += kernel == LayerKernel.Unrolled ? chosen.Nonzeros : 0;
        }

        // A forced DenseSimd counts the zeros it multiplies, so the network may still be too large.
        // And its unrolled layers must stay within what the JIT optimises in one method.
        bool straight = small && executed <= KernelChoice.StraightLineMultiplyAdds && unrolledTerms <= KernelChoice.StraightLineTerms
            && plans.TrueForAll(p => p.Kernel == LayerKernel.Unrolled || p.Kernel == LayerKernel.DenseSimd);

        float[]? shift = null;
        float[]? scale = null;
        if (model.Preprocessing != null && !fold)
        {
            shift = new float[usedInputs.Length];
            scale = new float[usedInputs.Length];
            for (int n = 0; n < usedInputs.Length; n++)
            {
                shift[n] = model.Preprocessing.Shift[usedInputs[n]];
                scale[n] = model.Preprocessing.Scale[usedInputs[n]];
            }
        }

        return new NetworkPlan(model, usedInputs, shift, scale, fold, plans, first, warnings, straight);
    }


    /// <summary>
    /// Preprocessing is folded into the first layer when a raw zero is within this many standard
    /// deviations of the feature's mean (|shift × scale| at most this). Folding computes
    /// (W∘c)·x + (b − (W∘c)·s) instead of W·((x − s)∘c) + b: the two sums cancel by about
    /// |s·c| / |(x − s)·c|, so a feature far from zero (a year, 2000 ± 10) would lose digits, while
    /// standardised pixels (|s·c| ≈ 0.8 on Fashion-MNIST) lose nothing that matters.
    /// </summary>
    public const double FoldLimit = 4.0;

    private static bool CanFold(InputPreprocessing preprocessing, int[] usedInputs)
    {
        foreach (int i in usedInputs)
        {
            if (Math.Abs((double)preprocessing.Shift[i] * preprocessing.Scale[i]) > FoldLimit)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// W·((x − s)∘c) + b = (W∘c)·x + (b − (W∘c)·s): scales each column by its feature's scale and
    /// moves the shift into the biases (in double, rounded once), so that the first layer takes raw
    /// features and a raw zero input (a blank pixel) is a zero the kernels can skip.
    /// </summary>
    private static void FoldPreprocessing(InputPreprocessing preprocessing, int[] columns, float[] weights, double[] fullBias, int[] rows, float[] bias)
    {
        for (int r = 0; r < rows.Length; r++)
        {
            double b = fullBias[rows[r]];
            for (int c = 0; c < columns.Length; c++)
            {
                ref float w = ref weights[(r * columns.Length) + c];
                if (w != 0f)
                {
                    w = (float)((double)w * preprocessing.Scale[columns[c]]);
                    b -= (double)w * preprocessing.Shift[columns[c]];
                }
            }

            bias[r] = (float)b;
        }
    }

    private static bool BlockHasNoOutgoing(DenseLayer next, bool[] alive, bool[] nextAlive, int group)
    {
        for (int g = group; g < group + BlockStructure.Width; g++)
        {
            if (alive[g] && HasOutgoing(next, nextAlive, g))
            {
                return false;
            }
        }

        return true;
    }

    private static bool HasOutgoing(DenseLayer next, bool[] nextAlive, int j)
    {
        for (int o = 0; o < next.OutputSize; o++)
        {
            if (nextAlive[o] && next.Weight(o, j) != 0f)
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasIncoming(DenseLayer layer, bool[]? inputsAlive, int j)
    {
        ReadOnlySpan<float> row = layer.Row(j);
        for (int i = 0; i < row.Length; i++)
        {
            if (row[i] != 0f && (inputsAlive == null || inputsAlive[i]))
            {
                return true;
            }
        }

        return false;
    }

    private static int[] UsedColumns(DenseLayer layer, bool[] rowsAlive)
    {
        var used = new List<int>();
        for (int i = 0; i < layer.InputSize; i++)
        {
            for (int j = 0; j < layer.OutputSize; j++)
            {
                if (rowsAlive[j] && layer.Weight(j, i) != 0f)
                {
                    used.Add(i);
                    break;
                }
            }
        }

        return used.ToArray();
    }

    private static int[] Indices(bool[] flags)
    {
        var indices = new List<int>();
        for (int i = 0; i < flags.Length; i++)
        {
            if (flags[i])
            {
                indices.Add(i);
            }
        }

        return indices.ToArray();
    }
}
