using System.Collections.Generic;

namespace Prunet;

/// <summary>What pruning left of a model: per layer and overall.</summary>
public sealed class ModelStatistics
{
    internal ModelStatistics(PrunedModel model)
    {
        var layers = new LayerStatistics[model.Layers.Count];
        for (int k = 0; k < layers.Length; k++)
        {
            DenseLayer? next = k + 1 < model.Layers.Count ? model.Layers[k + 1] : null;
            layers[k] = new LayerStatistics(k, model.Layers[k], next);
            Weights += layers[k].Weights;
            NonzeroWeights += layers[k].Nonzeros;
            Parameters += layers[k].Weights + layers[k].Biases;
            NonzeroParameters += layers[k].Nonzeros + layers[k].NonzeroBiases;
            DeadNeurons += layers[k].DeadNeurons;
        }

        Layers = layers;
    }

    /// <summary>One entry per layer, first to last.</summary>
    public IReadOnlyList<LayerStatistics> Layers { get; }

    /// <summary>All weights of all layers, pruned or not.</summary>
    public long Weights { get; }

    /// <summary>Weights that are not zero.</summary>
    public long NonzeroWeights { get; }

    /// <summary>Weights and biases.</summary>
    public long Parameters { get; }

    /// <summary>Weights and biases that are not zero.</summary>
    public long NonzeroParameters { get; }

    /// <summary>Fraction of all weights that are zero (biases are never pruned and not counted).</summary>
    public double Sparsity => Weights == 0 ? 0 : 1.0 - (double)NonzeroWeights / Weights;

    /// <summary>Multiply-adds per inference when only nonzero weights are computed.</summary>
    public long MultiplyAdds => NonzeroWeights;

    /// <summary>Hidden neurons that can be removed or folded into the next layer's biases (see <see cref="LayerStatistics.DeadNeurons"/>).</summary>
    public int DeadNeurons { get; }
}

/// <summary>What pruning left of one dense layer.</summary>
public sealed class LayerStatistics
{
    internal LayerStatistics(int index, DenseLayer layer, DenseLayer? next)
    {
        Index = index;
        InputSize = layer.InputSize;
        OutputSize = layer.OutputSize;
        Weights = layer.WeightCount;
        Nonzeros = layer.NonzeroCount;
        Biases = layer.OutputSize;
        foreach (float b in layer.Bias)
        {
            if (b != 0f)
            {
                NonzeroBiases++;
            }
        }

        if (next == null)
        {
            return; // output neurons are never dead: their values are the model's outputs
        }

        for (int j = 0; j < layer.OutputSize; j++)
        {
            bool noInputs = IsZero(layer.Row(j));
            bool noOutputs = true;
            for (int o = 0; o < next.OutputSize && noOutputs; o++)
            {
                noOutputs = next.Weight(o, j) == 0f;
            }

            if (noOutputs)
            {
                NeuronsWithoutOutputs++;
            }
            else if (noInputs)
            {
                ConstantNeurons++;
            }
        }
    }

    /// <summary>Position of the layer, from 0.</summary>
    public int Index { get; }

    /// <summary>Inputs of the layer.</summary>
    public int InputSize { get; }

    /// <summary>Outputs (neurons) of the layer.</summary>
    public int OutputSize { get; }

    /// <summary>Weights, pruned or not: InputSize × OutputSize.</summary>
    public int Weights { get; }

    /// <summary>Weights that are not zero.</summary>
    public int Nonzeros { get; }

    /// <summary>Biases: one per output.</summary>
    public int Biases { get; }

    /// <summary>Biases that are not zero.</summary>
    public int NonzeroBiases { get; }

    /// <summary>Fraction of the weights that are zero.</summary>
    public double Sparsity => 1.0 - (double)Nonzeros / Weights;

    /// <summary>Multiply-adds per inference when only nonzero weights are computed.</summary>
    public int MultiplyAdds => Nonzeros;

    /// <summary>Hidden neurons whose every outgoing weight is zero: nothing reads them, they can be removed.</summary>
    public int NeuronsWithoutOutputs { get; }

    /// <summary>
    /// Hidden neurons (with outgoing weights) whose every incoming weight is zero: their activation
    /// is the constant act(bias), which can be folded into the next layer's biases.
    /// </summary>
    public int ConstantNeurons { get; }

    /// <summary>Hidden neurons that are dead in either sense; always 0 for the output layer.</summary>
    public int DeadNeurons => NeuronsWithoutOutputs + ConstantNeurons;

    private static bool IsZero(System.ReadOnlySpan<float> values)
    {
        foreach (float v in values)
        {
            if (v != 0f)
            {
                return false;
            }
        }

        return true;
    }
}
