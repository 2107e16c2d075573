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
/// <item>A kernel per layer (<see cref="KernelChoice"/>).</item>
/// </list>
/// The result computes what the reference interpreter computes for finite inputs: folded
/// constants are evaluated with the interpreter's formulas and added to biases in double.
/// </summary>
internal static class NetworkPlanner
{
    public static NetworkPlan Plan(PrunedModel model, KernelRequest request)
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
                        alive[k][j] = false;
                        removed[k]++;
                        changed = true;
                    }
                    else if (!HasIncoming(layer, k == 0 ? null : alive[k - 1], j))
                    {
                        // Every neuron of the next layer that reads j gets w * act(bias_j) added to
                        // its bias. bias[k][j] is final here: the previous layer's neurons that
                        // could still change it have zero weights into j.
                        double constant = Activate(layer.Activation, layer.Alpha, (float)bias[k][j]);
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
        var plans = new List<LayerPlan>();
        var warnings = new List<PlanWarning>();
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

            // The kernel depends on the remaining weights, so build the layer once to count them.
            var counted = new LayerPlan(k + 1, k == count - 1, layer, columns.Length, rows.Length, weights, layerBias, removed[k], folded[k], LayerKernel.SparseRows, string.Empty);
            (LayerKernel kernel, string reason, bool refused) = KernelChoice.Choose(request, counted.Nonzeros, counted.LongestRow, counted.Density);
            if (refused)
            {
                warnings.Add(new PlanWarning(k + 1, counted.Nonzeros, counted.LongestRow));
            }

            plans.Add(new LayerPlan(k + 1, k == count - 1, layer, columns.Length, rows.Length, weights, layerBias, removed[k], folded[k], kernel, reason));
        }

        float[]? shift = null;
        float[]? scale = null;
        if (model.Preprocessing != null)
        {
            shift = new float[usedInputs.Length];
            scale = new float[usedInputs.Length];
            for (int n = 0; n < usedInputs.Length; n++)
            {
                shift[n] = model.Preprocessing.Shift[usedInputs[n]];
                scale[n] = model.Preprocessing.Scale[usedInputs[n]];
            }
        }

        return new NetworkPlan(model, usedInputs, shift, scale, plans, first, warnings);
    }

    /// <summary>An activation applied to one value, exactly as the reference interpreter does it.</summary>
    public static float Activate(Activation activation, float alpha, float z)
    {
        switch (activation)
        {
            case Activation.Relu:
                return z > 0f ? z : 0f;
            case Activation.LeakyRelu:
                return z > 0f ? z : (float)((double)alpha * z);
            case Activation.Sigmoid:
                return (float)(1.0 / (1.0 + Math.Exp(-(double)z)));
            case Activation.Tanh:
                return (float)Math.Tanh(z);
            case Activation.Linear:
                return z;
            default:
                // Softmax is only allowed on the last layer, whose neurons are never folded.
                throw new InvalidOperationException("cannot fold a constant through " + activation);
        }
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
