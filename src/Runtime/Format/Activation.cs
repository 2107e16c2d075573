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
