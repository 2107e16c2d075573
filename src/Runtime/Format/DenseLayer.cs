using System;
using System.Globalization;

namespace Prunet;

/// <summary>
/// A fully connected layer: <c>y_j = act(bias_j + sum_i W[j, i] * x_i)</c>. Weights are kept
/// row-major, one row per output neuron (<c>Weights[j * InputSize + i]</c>); a weight that is
/// exactly zero is a pruned weight.
/// </summary>
public sealed class DenseLayer
{
    /// <summary>
    /// Largest number of weights (inputs × outputs) a layer may have: 2^26, 256 MiB of floats,
    /// far beyond the networks Prunet is for, and a guard against files that declare absurd
    /// shapes to make a reader allocate.
    /// </summary>
    public const long MaxWeights = 1L << 26;

    private readonly float[] _weights;
    private readonly float[] _bias;

    /// <summary>
    /// Creates a layer, copying the arrays. Throws <see cref="PrunedModelFormatException"/>
    /// (path relative to the layer, such as <c>bias</c>) when shapes disagree or a value is not finite.
    /// </summary>
    /// <param name="inputSize">Number of inputs.</param>
    /// <param name="outputSize">Number of outputs (neurons).</param>
    /// <param name="activation">The activation of every output.</param>
    /// <param name="weights">Row-major weights, <c>outputSize × inputSize</c>; zeros are pruned weights.</param>
    /// <param name="bias">One bias per output.</param>
    /// <param name="alpha">The negative-side slope of leaky_relu; 0 for other activations.</param>
    /// <param name="blockSize">
    /// The granularity the layer was pruned at: 1 for single weights, N for aligned blocks of N
    /// consecutive outputs that share one input (outputs kN to kN+N-1), kept or removed whole.
    /// A hint for code generators; what the layer computes depends only on the weights.
    /// </param>
    public DenseLayer(int inputSize, int outputSize, Activation activation, float[] weights, float[] bias, float alpha = 0f, int blockSize = 1)
    {
        if (weights == null)
        {
            throw new ArgumentNullException(nameof(weights));
        }

        if (bias == null)
        {
            throw new ArgumentNullException(nameof(bias));
        }

        if (inputSize < 1)
        {
            throw new PrunedModelFormatException("in", "a layer needs at least one input, found " + inputSize);
        }

        if (outputSize < 1)
        {
            throw new PrunedModelFormatException("out", "a layer needs at least one output, found " + outputSize);
        }

        if ((long)inputSize * outputSize > MaxWeights)
        {
            throw new PrunedModelFormatException("out", "the layer has " + ((long)inputSize * outputSize) + " weights (in " + inputSize + " × out " + outputSize + "), more than the " + MaxWeights + " the format allows");
        }

        if (!Enum.IsDefined(typeof(Activation), activation))
        {
            throw new PrunedModelFormatException("activation", "unknown activation " + (int)activation);
        }

        if (weights.Length != inputSize * outputSize)
        {
            throw new PrunedModelFormatException("weights", "expected " + (inputSize * outputSize) + " weights (out " + outputSize + " × in " + inputSize + "), found " + weights.Length);
        }

        if (bias.Length != outputSize)
        {
            throw new PrunedModelFormatException("bias", "expected " + outputSize + " values (one per output), found " + bias.Length);
        }

        if (activation == Activation.LeakyRelu)
        {
            if (!IsFinite(alpha))
            {
                throw new PrunedModelFormatException("alpha", "leaky_relu's alpha must be finite, found " + alpha.ToString(CultureInfo.InvariantCulture));
            }
        }
        else if (alpha != 0f)
        {
            throw new PrunedModelFormatException("alpha", "alpha only applies to leaky_relu, not to " + ActivationNames.ToName(activation));
        }

        if (blockSize < 1 || blockSize > outputSize)
        {
            throw new PrunedModelFormatException("blockSize", "the block size must be from 1 to the number of outputs (" + outputSize + "), found " + blockSize);
        }

        for (int k = 0; k < weights.Length; k++)
        {
            if (!IsFinite(weights[k]))
            {
                throw new PrunedModelFormatException("weights", "weight [" + (k / inputSize) + ", " + (k % inputSize) + "] (output " + (k / inputSize) + ", input " + (k % inputSize) + ") is " + weights[k].ToString(CultureInfo.InvariantCulture) + ": weights must be finite");
            }
        }

        for (int j = 0; j < bias.Length; j++)
        {
            if (!IsFinite(bias[j]))
            {
                throw new PrunedModelFormatException("bias[" + j + "]", "bias of output " + j + " is " + bias[j].ToString(CultureInfo.InvariantCulture) + ": biases must be finite");
            }
        }

        InputSize = inputSize;
        OutputSize = outputSize;
        Activation = activation;
        Alpha = alpha;
        BlockSize = blockSize;
        _weights = (float[])weights.Clone();
        _bias = (float[])bias.Clone();
        int nonzeros = 0;
        foreach (float w in _weights)
        {
            if (w != 0f)
            {
                nonzeros++;
            }
        }

        NonzeroCount = nonzeros;
    }

    /// <summary>Number of inputs (columns of the weight matrix).</summary>
    public int InputSize { get; }

    /// <summary>Number of outputs, that is neurons (rows of the weight matrix).</summary>
    public int OutputSize { get; }

    /// <summary>The activation applied to each output.</summary>
    public Activation Activation { get; }

    /// <summary>The negative-side slope of <see cref="Activation.LeakyRelu"/>; 0 for other activations.</summary>
    public float Alpha { get; }

    /// <summary>
    /// The granularity the layer was pruned at: 1 for single weights, N for aligned blocks of N
    /// consecutive outputs sharing one input. A hint; the weights alone define the computation.
    /// </summary>
    public int BlockSize { get; }

    /// <summary>All weights, row-major: <c>Weights[j * InputSize + i]</c> connects input i to output j.</summary>
    public ReadOnlySpan<float> Weights => _weights;

    /// <summary>One bias per output.</summary>
    public ReadOnlySpan<float> Bias => _bias;

    /// <summary>Number of weights that are not zero (not pruned).</summary>
    public int NonzeroCount { get; }

    /// <summary>Number of weights, pruned or not.</summary>
    public int WeightCount => _weights.Length;

    /// <summary>Fraction of the weights that are zero.</summary>
    public double Sparsity => 1.0 - (double)NonzeroCount / _weights.Length;

    /// <summary>The weight from input <paramref name="input"/> to output <paramref name="output"/>.</summary>
    public float Weight(int output, int input) => _weights[output * InputSize + input];

    /// <summary>The incoming weights of one output neuron.</summary>
    public ReadOnlySpan<float> Row(int output) => new(_weights, output * InputSize, InputSize);

    /// <summary>A copy of the weights, for code that builds a changed layer.</summary>
    public float[] CopyWeights() => (float[])_weights.Clone();

    /// <summary>A copy of the biases, for code that builds a changed layer.</summary>
    public float[] CopyBias() => (float[])_bias.Clone();

    internal static bool IsFinite(float value) => !float.IsNaN(value) && !float.IsInfinity(value);
}
