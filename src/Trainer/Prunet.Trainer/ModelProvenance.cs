namespace Prunet;

/// <summary>
/// Reading back what a model's provenance recorded, such as the seed it was trained with, so that
/// later runs can reuse it. One place, so that every reader treats a missing or odd record alike.
/// </summary>
public static class ModelProvenance
{
    /// <summary>
    /// The number <paramref name="model"/>'s provenance records as <paramref name="key"/> in its
    /// <paramref name="record"/> object (<c>"training"</c>, <c>"seed"</c>), or null when there is no
    /// model, no such record or no number there. Provenance holds every number as a double, however
    /// it was written (an int seed, a float learning rate), and so does a model read from a file.
    /// </summary>
    public static double? Number(PrunedModel? model, string record, string key)
        => model?.Provenance.TryGetValue(record, out object? settings) == true
           && settings is IReadOnlyDictionary<string, object?> values
           && values.TryGetValue(key, out object? value)
           && value is double number
            ? number
            : null;
}
