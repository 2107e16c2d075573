using System.Collections.Generic;

namespace Prunet.Generator.Planning;

/// <summary>How the generated code computes one dense layer.</summary>
internal enum LayerKernel
{
    /// <summary>Straight-line statements, weights as float literals, zeros skipped.</summary>
    Unrolled,

    /// <summary>Compressed sparse rows over constant tables: nonzero weights, narrow column indices, row starts.</summary>
    SparseRows,

    /// <summary>
    /// Every remaining weight in constant tables, eight outputs at a time: one broadcast input times
    /// a vector of eight weights, several blocks of outputs per pass; 256-bit vectors when available.
    /// </summary>
    DenseSimd,

    /// <summary>
    /// Blocks of eight outputs sharing one input: only kept blocks are stored and visited, each one
    /// broadcast input times one vector of weights added into a vector of eight outputs.
    /// </summary>
    BlockSparse,

    /// <summary>
    /// Blocks of eight outputs step through windows of eight consecutive inputs: one load of a
    /// window, one permute giving each output the input of its next nonzero weight, one
    /// multiply-add by a vector of eight weights (<see cref="WindowStructure"/>). Unstructured
    /// sparsity at vector speed, at the price of padding lanes where an output has nothing in the window.
    /// </summary>
    SparseWindows,

    /// <summary>
    /// Compressed columns, input-major: an input that is exactly zero at run time (a ReLU output, a
    /// blank pixel) skips its whole column; the others add their nonzero weights into the outputs.
    /// </summary>
    SparseColumns,
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
        bool preprocessingFolded,
        IReadOnlyList<LayerPlan> layers,
        int droppedLayers,
        IReadOnlyList<PlanWarning> warnings,
        bool straightLine = false)
    {
        StraightLine = straightLine;
        Model = model;
        UsedInputs = usedInputs;
        InputShift = inputShift;
        InputScale = inputScale;
        PreprocessingFolded = preprocessingFolded;
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

    /// <summary>
    /// True when the model's preprocessing was folded into the first layer's weights and biases
    /// (<see cref="NetworkPlanner"/>): the first layer reads raw features, and a raw zero stays a zero.
    /// </summary>
    public bool PreprocessingFolded { get; }

    /// <summary>
    /// True when the first layer reads the caller's input span as it is: no preprocessing left, and
    /// either every feature is used in order or the first layer addresses raw features itself
    /// (<see cref="LayerPlan.InputIndices"/>).
    /// </summary>
    public bool ReadsInputDirectly => InputShift == null && DroppedLayers == 0 && UsedInputs.Length > 0
        && ((UsedInputs.Length == Model.InputSize && Layers[0].Inputs == Model.InputSize) || Layers[0].InputIndices != null);

    /// <summary>The layers to compute, first to last; never empty (the output layer always remains).</summary>
    public IReadOnlyList<LayerPlan> Layers { get; }

    /// <summary>Leading layers dropped because nothing they compute reaches the outputs.</summary>
    public int DroppedLayers { get; }

    /// <summary>
    /// True when the whole network is emitted as one straight-line method, every input and
    /// activation in a local: a small network (<see cref="KernelChoice.StraightLineMultiplyAdds"/>)
    /// whose layers are all Unrolled or DenseSimd, unless the attribute sets StraightLine = false.
    /// Its time is otherwise mostly the calls, spans and stack scratch between layer methods.
    /// </summary>
    public bool StraightLine { get; }

    /// <summary>
    /// True for a straight-line network with vector layers whose scalar twin (every weight a term)
    /// would pass <see cref="KernelChoice.StraightLineTerms"/>: CPUs without 256-bit vectors then
    /// run it with one method per layer.
    /// </summary>
    public bool ScalarTwinPerLayer
    {
        get
        {
            long nonzeros = 0;
            bool vectors = false;
            foreach (LayerPlan layer in Layers)
            {
                nonzeros += layer.Nonzeros;
                vectors |= layer.Kernel == LayerKernel.DenseSimd;
            }

            return StraightLine && vectors && nonzeros > KernelChoice.StraightLineTerms;
        }
    }

    /// <summary>Things the user asked for that the plan could not do (reported as warnings).</summary>
    public IReadOnlyList<PlanWarning> Warnings { get; }

    /// <summary>Multiply-adds per prediction after planning, as the chosen kernels perform them.</summary>
    public long MultiplyAdds
    {
        get
        {
            long total = 0;
            foreach (LayerPlan layer in Layers)
            {
                total += layer.ExecutedMultiplyAdds;
            }

            return total;
        }
    }
}

/// <summary>One dense layer after planning.</summary>
internal sealed class LayerPlan
{
    public LayerPlan(int number, bool isLast, DenseLayer original, int inputs, int outputs, float[] weights, float[] bias, int removedNeurons, int foldedNeurons, LayerKernel kernel, string kernelReason, int[]? inputIndices = null)
    {
        InputIndices = inputIndices;
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
        Blocks = BlockStructure.Of(weights, outputs, inputs);
    }

    private LayerPlan(LayerPlan counted, LayerKernel kernel, string kernelReason, int[]? inputIndices)
    {
        InputIndices = inputIndices;
        Number = counted.Number;
        IsLast = counted.IsLast;
        Original = counted.Original;
        Inputs = counted.Inputs;
        Outputs = counted.Outputs;
        Weights = counted.Weights;
        Bias = counted.Bias;
        RemovedNeurons = counted.RemovedNeurons;
        FoldedNeurons = counted.FoldedNeurons;
        Kernel = kernel;
        KernelReason = kernelReason;
        Nonzeros = counted.Nonzeros;
        LongestRow = counted.LongestRow;
        Blocks = counted.Blocks;
        // The windows depend on the input positions: packed already only if those are the same.
        _windows = ReferenceEquals(inputIndices, counted.InputIndices) ? counted._windows : null;
    }

    /// <summary>
    /// The same layer with its kernel chosen: the counts, blocks and (for the same input
    /// positions) windows the choice looked at are kept, not computed again.
    /// </summary>
    public LayerPlan WithKernel(LayerKernel kernel, string kernelReason, int[]? inputIndices) => new(this, kernel, kernelReason, inputIndices);

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

    /// <summary>
    /// Multiply-adds the chosen kernel performs per prediction: the nonzero weights, and the zeros
    /// a forced DenseSimd (every weight) or BlockSparse (partly kept blocks) stores, or the padding
    /// lanes of SparseWindows. Apart from those padding lanes, Auto never chooses a kernel that
    /// stores a zero.
    /// </summary>
    public long ExecutedMultiplyAdds => Kernel switch
    {
        LayerKernel.DenseSimd => (long)Inputs * Outputs,
        LayerKernel.BlockSparse => ((long)Blocks.KeptBlocks * BlockStructure.Width) + Blocks.TailNonzeros,
        LayerKernel.SparseWindows => ((long)Windows.Steps * WindowStructure.Width) + (Nonzeros - Windows.Nonzeros),
        _ => Nonzeros,
    };

    public LayerKernel Kernel { get; }

    /// <summary>Why this kernel, in words, for the comment above the layer's code.</summary>
    public string KernelReason { get; }

    public float Weight(int output, int input) => Weights[(output * Inputs) + input];

    /// <summary>
    /// For a first layer that reads the caller's raw features directly although some are never
    /// read: the raw feature of each column, ascending. Null when column i reads element i.
    /// </summary>
    public int[]? InputIndices { get; }

    /// <summary>The element of the layer's input span that column <paramref name="column"/> reads.</summary>
    public int InputIndex(int column) => InputIndices == null ? column : InputIndices[column];

    /// <summary>Length of the input span the layer reads.</summary>
    public int InputSpan => InputIndices == null ? Inputs : (Inputs == 0 ? 0 : InputIndices[Inputs - 1] + 1);

    /// <summary>How the nonzero weights fall into blocks of eight outputs.</summary>
    public BlockStructure Blocks { get; }

    private WindowStructure? _windows;

    /// <summary>The steps of the sparse-windows kernel, packed when first asked for.</summary>
    public WindowStructure Windows => _windows ??= WindowStructure.Of(this);

    /// <summary>Nonzero weights in column <paramref name="input"/>.</summary>
    public int ColumnNonzeros(int input)
    {
        int count = 0;
        for (int j = 0; j < Outputs; j++)
        {
            if (Weights[(j * Inputs) + input] != 0f)
            {
                count++;
            }
        }

        return count;
    }
}

/// <summary>A request the plan could not follow, such as unrolling a layer too large for it.</summary>
internal sealed record PlanWarning(int LayerNumber, int Nonzeros, int LongestRow);
