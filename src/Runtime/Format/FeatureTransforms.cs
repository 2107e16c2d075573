using System;
using System.Globalization;

namespace Prunet;

/// <summary>
/// Per-feature input preprocessing, applied before the first layer: <c>x'_i = (x_i - Shift_i) * Scale_i</c>.
/// Callers of a model pass raw features; this is where all scaling lives.
/// </summary>
public sealed class InputPreprocessing
{
    private readonly float[] _shift;
    private readonly float[] _scale;

    /// <summary>Creates the preprocessing, copying the arrays; both must have one finite value per feature.</summary>
    public InputPreprocessing(float[] shift, float[] scale)
    {
        _shift = CheckedCopy(shift, "shift");
        _scale = CheckedCopy(scale, "scale");
        if (_shift.Length != _scale.Length)
        {
            throw new PrunedModelFormatException("scale", "expected " + _shift.Length + " values (as many as shift), found " + _scale.Length);
        }
    }

    /// <summary>Subtracted from each raw feature first.</summary>
    public ReadOnlySpan<float> Shift => _shift;

    /// <summary>Multiplies each shifted feature.</summary>
    public ReadOnlySpan<float> Scale => _scale;

    /// <summary>Number of features.</summary>
    public int Count => _shift.Length;

    internal static float[] CheckedCopy(float[] values, string name)
    {
        if (values == null)
        {
            throw new ArgumentNullException(name);
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (!DenseLayer.IsFinite(values[i]))
            {
                throw new PrunedModelFormatException(name + "[" + i + "]", "value is " + values[i].ToString(CultureInfo.InvariantCulture) + ": preprocessing must be finite");
            }
        }

        return (float[])values.Clone();
    }
}

/// <summary>
/// Per-output postprocessing of a regression model, applied after the last layer:
/// <c>y_j = y'_j * Scale_j + Shift_j</c>. The trainer standardises regression targets and
/// stores here how to undo it.
/// </summary>
public sealed class OutputPostprocessing
{
    private readonly float[] _scale;
    private readonly float[] _shift;

    /// <summary>Creates the postprocessing, copying the arrays; both must have one finite value per output.</summary>
    public OutputPostprocessing(float[] scale, float[] shift)
    {
        _scale = InputPreprocessing.CheckedCopy(scale, "scale");
        _shift = InputPreprocessing.CheckedCopy(shift, "shift");
        if (_shift.Length != _scale.Length)
        {
            throw new PrunedModelFormatException("shift", "expected " + _scale.Length + " values (as many as scale), found " + _shift.Length);
        }
    }

    /// <summary>Multiplies each network output first.</summary>
    public ReadOnlySpan<float> Scale => _scale;

    /// <summary>Added to each scaled output.</summary>
    public ReadOnlySpan<float> Shift => _shift;

    /// <summary>Number of outputs.</summary>
    public int Count => _scale.Length;
}
