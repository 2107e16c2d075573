namespace Prunet.Generator.Planning;

/// <summary>
/// How a layer's nonzero weights fall into blocks of <see cref="Width"/> consecutive outputs
/// sharing one input: the unit of the block-sparse kernel (one 256-bit vector of weights, one
/// broadcast input). Outputs past the last whole block are the tail, computed row by row.
/// </summary>
internal sealed class BlockStructure
{
    /// <summary>Outputs per block: the floats in one <c>Vector256&lt;float&gt;</c>.</summary>
    public const int Width = 8;

    private BlockStructure(int blocks, int keptBlocks, int fullBlocks, int tailRows, int tailNonzeros)
    {
        Blocks = blocks;
        KeptBlocks = keptBlocks;
        FullBlocks = fullBlocks;
        TailRows = tailRows;
        TailNonzeros = tailNonzeros;
    }

    /// <summary>Whole blocks of outputs: outputs / <see cref="Width"/>.</summary>
    public int Blocks { get; }

    /// <summary>(block, input) pairs with at least one nonzero weight: what the kernel visits.</summary>
    public int KeptBlocks { get; }

    /// <summary>Kept blocks whose every weight is nonzero.</summary>
    public int FullBlocks { get; }

    /// <summary>Outputs after the last whole block.</summary>
    public int TailRows { get; }

    /// <summary>Nonzero weights of the tail outputs.</summary>
    public int TailNonzeros { get; }

    /// <summary>
    /// Every kept block is full: the block-sparse kernel stores no zero. True for layers pruned
    /// in blocks of 8 (or a multiple), and for dense layers, when no neuron inside a block was removed.
    /// </summary>
    public bool Aligned => Blocks > 0 && KeptBlocks == FullBlocks;

    /// <summary>Fraction of the stored block weights that are nonzero.</summary>
    public double Fill => KeptBlocks == 0 ? 1.0 : (double)KeptNonzeros / ((long)KeptBlocks * Width);

    /// <summary>Nonzero weights inside kept blocks.</summary>
    public long KeptNonzeros { get; private set; }

    /// <summary>Analyses a row-major [outputs, inputs] weight matrix.</summary>
    public static BlockStructure Of(float[] weights, int outputs, int inputs)
    {
        int blocks = outputs / Width;
        int kept = 0, full = 0;
        long stored = 0;
        for (int b = 0; b < blocks; b++)
        {
            for (int i = 0; i < inputs; i++)
            {
                int nonzero = 0;
                for (int lane = 0; lane < Width; lane++)
                {
                    if (weights[(((b * Width) + lane) * inputs) + i] != 0f)
                    {
                        nonzero++;
                    }
                }

                if (nonzero > 0)
                {
                    kept++;
                    stored += nonzero;
                }

                if (nonzero == Width)
                {
                    full++;
                }
            }
        }

        int tailNonzeros = 0;
        for (int j = blocks * Width; j < outputs; j++)
        {
            for (int i = 0; i < inputs; i++)
            {
                if (weights[(j * inputs) + i] != 0f)
                {
                    tailNonzeros++;
                }
            }
        }

        return new BlockStructure(blocks, kept, full, outputs - (blocks * Width), tailNonzeros) { KeptNonzeros = stored };
    }

    /// <summary>True when the rows of <paramref name="layer"/> fall into aligned blocks of <see cref="Width"/> (the model as read).</summary>
    public static bool IsAligned(DenseLayer layer) => Of(layer.CopyWeights(), layer.OutputSize, layer.InputSize).Aligned;
}
