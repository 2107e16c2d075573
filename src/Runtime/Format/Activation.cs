using System;

namespace Prunet;

/// <summary>The activation a dense layer applies to each of its outputs.</summary>
public enum Activation
{
    /// <summary>Identity: <c>y = z</c>.</summary>
    Linear,

    /// <summary><c>y = max(0, z)</c>.</summary>
    Relu,

    /// <summary><c>y = z</c> for z &gt; 0, else <c>alpha * z</c>; alpha is the layer's <see cref="DenseLayer.Alpha"/>.</summary>
    LeakyRelu,

    /// <summary><c>y = 1 / (1 + exp(-z))</c>.</summary>
    Sigmoid,

    /// <summary><c>y = tanh(z)</c>.</summary>
    Tanh,

    /// <summary><c>y_j = exp(z_j) / sum_k exp(z_k)</c>; only allowed on the last layer.</summary>
    Softmax,
}

/// <summary>
/// What an activation computes for one value: the definition the reference interpreter applies
/// and that planning (constants folded through a layer, neurons replaced by a value) must repeat
/// exactly. Sums go in as float, the result is rounded to float as the interpreter stores it.
/// </summary>
public static class ActivationFunction
{
    /// <summary>The activation of <paramref name="z"/>; <paramref name="alpha"/> is leaky ReLU's slope.</summary>
    /// <exception cref="ArgumentException">Softmax, which is not a function of one value.</exception>
    public static float Apply(Activation activation, float alpha, float z)
    {
        switch (activation)
        {
            case Activation.Linear:
                return z;
            case Activation.Relu:
                return z > 0f ? z : 0f;
            case Activation.LeakyRelu:
                return z > 0f ? z : (float)((double)alpha * z);
            case Activation.Sigmoid:
                return (float)(1.0 / (1.0 + Math.Exp(-(double)z)));
            case Activation.Tanh:
                return (float)Math.Tanh(z);
            default:
                throw new ArgumentException("softmax (or an unknown activation, " + (int)activation + ") is not a function of one value", nameof(activation));
        }
    }
}

/// <summary>The names activations have in model files (<c>leaky_relu</c> and so on).</summary>
public static class ActivationNames
{
    /// <summary>Every name the format accepts, in the order of <see cref="Activation"/>.</summary>
    public static readonly string[] All = { "linear", "relu", "leaky_relu", "sigmoid", "tanh", "softmax" };

    /// <summary>The model-file name of an activation.</summary>
    public static string ToName(Activation activation) => All[(int)activation];

    /// <summary>Reads a model-file name; false when the name is not an activation of the format.</summary>
    public static bool TryParse(string name, out Activation activation)
    {
        int index = Array.IndexOf(All, name);
        activation = index < 0 ? Activation.Linear : (Activation)index;
        return index >= 0;
    }
}
