using System;
using System.Collections.Generic;

namespace Prunet.Generator.Planning;

/// <summary>
/// The layout of the sparse-windows kernel: each whole block of <see cref="Width"/> outputs walks
/// through its nonzero weights in steps. A step loads a window of eight consecutive inputs, and
/// each output of the block (a lane) takes from it the input of its next nonzero weight, if that
/// input lies in the window; a lane with nothing in the window waits with a zero weight (padding).
/// One permute and one multiply-add per step then serve eight outputs, where compressed rows
/// spend three loads on each single weight. Outputs after the last whole block are the tail,
/// computed as compressed rows.
/// </summary>
internal sealed class WindowStructure
{
    /// <summary>Outputs per block and inputs per window: the floats in one <c>Vector256&lt;float&gt;</c>.</summary>
    public const int Width = BlockStructure.Width;

    private WindowStructure(int blocks, List<int> blockSteps, List<int> starts, List<float> weights, List<byte> lanes, int nonzeros)
    {
        Blocks = blocks;
        BlockSteps = blockSteps;
        Starts = starts;
        Weights = weights;
        Lanes = lanes;
        Nonzeros = nonzeros;
    }

    /// <summary>Whole blocks of outputs.</summary>
    public int Blocks { get; }

    /// <summary>Where each block's steps start; the last entry is the end (Blocks + 1 entries).</summary>
    public IReadOnlyList<int> BlockSteps { get; }

    /// <summary>The first input of each step's window (at most the input span minus 8).</summary>
    public IReadOnlyList<int> Starts { get; }

    /// <summary>Eight weights per step, one per lane (output); zero in a padding lane.</summary>
    public IReadOnlyList<float> Weights { get; }

    /// <summary>Eight lane indices (0 to 7) per step: the position in the window each lane's weight reads.</summary>
    public IReadOnlyList<byte> Lanes { get; }

    public int Steps => Starts.Count;

    /// <summary>Nonzero weights in the whole blocks: each appears once in <see cref="Weights"/>.</summary>
    public int Nonzeros { get; }

    /// <summary>Lanes of the steps that hold no weight.</summary>
    public long PaddingLanes => ((long)Steps * Width) - Nonzeros;

    /// <summary>
    /// Packs the whole blocks of a layer. The window of a step starts at the smallest input that
    /// any lane of the block still needs (so that at least one lane advances), moved back so that
    /// the window ends within the input span; then every lane whose next input lies in the window
    /// takes it. Needs an input span of at least eight.
    /// </summary>
    public static WindowStructure Of(LayerPlan layer)
    {
        int span = layer.InputSpan;
        int blocks = span >= Width ? layer.Outputs / Width : 0;
        var blockSteps = new List<int>(blocks + 1) { 0 };
        var starts = new List<int>();
        var weights = new List<float>();
        var lanes = new List<byte>();
        int nonzeros = 0;
        var columns = new List<int>[Width];
        var values = new List<float>[Width];
        var next = new int[Width];
        for (int lane = 0; lane < Width; lane++)
        {
            columns[lane] = new List<int>();
            values[lane] = new List<float>();
        }

        for (int b = 0; b < blocks; b++)
        {
            for (int lane = 0; lane < Width; lane++)
            {
                columns[lane].Clear();
                values[lane].Clear();
                next[lane] = 0;
                int j = (b * Width) + lane;
                for (int i = 0; i < layer.Inputs; i++)
                {
                    float weight = layer.Weight(j, i);
                    if (weight != 0f)
                    {
                        columns[lane].Add(layer.InputIndex(i));
                        values[lane].Add(weight);
                        nonzeros++;
                    }
                }
            }

            while (true)
            {
                int smallest = int.MaxValue;
                for (int lane = 0; lane < Width; lane++)
                {
                    if (next[lane] < columns[lane].Count)
                    {
                        smallest = Math.Min(smallest, columns[lane][next[lane]]);
                    }
                }

                if (smallest == int.MaxValue)
                {
                    break;
                }

                int start = Math.Min(smallest, span - Width);
                starts.Add(start);
                for (int lane = 0; lane < Width; lane++)
                {
                    int k = next[lane];
                    if (k < columns[lane].Count && columns[lane][k] < start + Width)
                    {
                        weights.Add(values[lane][k]);
                        lanes.Add((byte)(columns[lane][k] - start));
                        next[lane]++;
                    }
                    else
                    {
                        weights.Add(0f);
                        lanes.Add(0);
                    }
                }
            }

            blockSteps.Add(starts.Count);
        }

        return new WindowStructure(blocks, blockSteps, starts, weights, lanes, nonzeros);
    }
}
