namespace Prunet;

/// <summary>What a model's outputs mean.</summary>
public enum ModelTask
{
    /// <summary>One output per class; the predicted class is the index of the largest output.</summary>
    Classification,

    /// <summary>Outputs are measured values, after the model's output postprocessing.</summary>
    Regression,
}
