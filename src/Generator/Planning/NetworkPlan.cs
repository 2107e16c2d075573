using System.Collections.Generic;

namespace Prunet.Generator.Planning;

/// <summary>How the generated code computes one dense layer.</summary>
internal enum LayerKernel
{
    /// <summary>Straight-line statements, weights as float literals, zeros skipped.</summary>
    Unrolled,

    /// <summary>Compressed sparse rows over constant tables: nonzero weights, narrow column indices, row starts.</summary>
    SparseRows,

    /// <summary>All remaining weights in a constant row-major table, 256-bit vectors when available.</summary>
    DenseSimd,
}

/// <summary>
/// What the generated code computes, after planning: the layers that still matter, with dead
/// neurons removed and constant neurons folded into biases, and a kernel per layer. Pure data.
/// </summary>
internal sealed class NetworkPlan
{
    public NetworkPlan(
        PrunedModel model,
        int[] usedInputs,
        float[]? inputShift,
        float[]? inputScale,
        IReadOnlyList<LayerPlan> layers,
        int droppedLayers,
        IReadOnlyList<PlanWarning> warnings)
    {
        Model = model;
        UsedInputs = usedInputs;
        InputShift = inputShift;
        InputScale = inputScale;
        Layers = layers;
        DroppedLayers = droppedLayers;
        Warnings = warnings;
    }

    /// <summary>The model as read (task, sizes, labels, postprocessing, statistics).</summary>
    public PrunedModel Model { get; }

    /// <summary>Raw input features the first remaining layer reads, ascending; features no weight reads are skipped.</summary>
    public int[] UsedInputs { get; }

    /// <summary>Preprocessing shift for each used input, or null when the model has no preprocessing.</summary>
    public float[]? InputShift { get; }

    /// <summary>Preprocessing scale for each used input, or null when the model has no preprocessing.</summary>
    public float[]? InputScale { get; }

    /// <summary>True when the first layer can read the caller's input span as it is: every feature used, in order, unscaled.</summary>
    public bool ReadsInputDirectly => InputShift == null && UsedInputs.Length == Model.InputSize && Layers[0].Inputs == Model.InputSize;

    /// <summary>The layers to compute, first to last; never empty (the output layer always remains).</summary>
    public IReadOnlyList<LayerPlan> Layers { get; }

    /// <summary>Leading layers dropped because nothing they compute reaches the outputs.</summary>
    public int DroppedLayers { get; }

    /// <summary>Things the user asked for that the plan could not do (reported as warnings).</summary>
    public IReadOnlyList<PlanWarning> Warnings { get; }

    /// <summary>Multiply-adds per prediction after planning.</summary>
    public long MultiplyAdds
    {
        get
        {
            long total = 0;
            foreach (LayerPlan layer in Layers)
            {
                total += layer.Nonzeros;
            }

            return total;
        }
    }
}

/// <summary>One dense layer after planning.</summary>
internal sealed class LayerPlan
{
    public LayerPlan(int number, bool isLast, DenseLayer original, int inputs, int outputs, float[] weights, float[] bias, int removedNeurons, int foldedNeurons, LayerKernel kernel, string kernelReason)
    {
        Number = number;
        IsLast = isLast;
        Original = original;
        Inputs = inputs;
        Outputs = outputs;
        Weights = weights;
        Bias = bias;
        RemovedNeurons = removedNeurons;
        FoldedNeurons = foldedNeurons;
        Kernel = kernel;
        KernelReason = kernelReason;
        int longest = 0;
        for (int j = 0; j < outputs; j++)
        {
            int count = 0;
            for (int i = 0; i < inputs; i++)
            {
                if (weights[(j * inputs) + i] != 0f)
                {
                    count++;
                }
            }

            Nonzeros += count;
            longest = System.Math.Max(longest, count);
        }

        LongestRow = longest;
    }

    /// <summary>Position in the model file, from 1.</summary>
    public int Number { get; }

    /// <summary>True for the output layer.</summary>
    public bool IsLast { get; }

    /// <summary>The layer as the model file has it.</summary>
    public DenseLayer Original { get; }

    public int Inputs { get; }

    public int Outputs { get; }

    public Activation Activation => Original.Activation;

    public float Alpha => Original.Alpha;

    /// <summary>Remaining weights, row-major [Outputs, Inputs]; zeros are pruned weights.</summary>
    public float[] Weights { get; }

    /// <summary>Biases, with the contributions of folded constant neurons of the previous layer added.</summary>
    public float[] Bias { get; }

    /// <summary>Neurons of this layer removed because no remaining weight reads them.</summary>
    public int RemovedNeurons { get; }

    /// <summary>Neurons of this layer with no incoming weights, folded into the next layer's biases.</summary>
    public int FoldedNeurons { get; }

    public int Nonzeros { get; }

    /// <summary>Most nonzero weights in one row.</summary>
    public int LongestRow { get; }

    public double Density => Inputs == 0 ? 0 : (double)Nonzeros / ((long)Inputs * Outputs);

    public LayerKernel Kernel { get; }

    /// <summary>Why this kernel, in words, for the comment above the layer's code.</summary>
    public string KernelReason { get; }

    public float Weight(int output, int input) => Weights[(output * Inputs) + input];
}

/// <summary>A request the plan could not follow, such as unrolling a layer too large for it.</summary>
internal sealed record PlanWarning(int LayerNumber, int Nonzeros, int LongestRow);
