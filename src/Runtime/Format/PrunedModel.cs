using System;
using System.Collections.Generic;
using Prunet.Format;

namespace Prunet;

/// <summary>
/// A network in the Prunet model format: task, preprocessing, dense layers (pruned weights are
/// zeros), postprocessing and provenance. An instance is always valid: the constructor checks
/// every rule of the format. This part is the data; the reference interpreter, which defines
/// what the model computes, is in the runtime's <c>PrunedModel.Interpreter.cs</c>.
/// </summary>
public sealed partial class PrunedModel
{
    /// <summary>The value of the <c>format</c> field of every model document.</summary>
    public const string FormatName = "prunet-model";

    /// <summary>The format version this code reads and writes.</summary>
    public const int FormatVersion = 1;

    private static readonly IReadOnlyDictionary<string, object?> NoProvenance = new Dictionary<string, object?>();

    private readonly DenseLayer[] _layers;
    private ModelStatistics? _statistics;

    /// <summary>
    /// Creates a model. Throws <see cref="PrunedModelFormatException"/> naming the JSON path of the
    /// first rule broken (layers that do not chain, softmax before the last layer, labels that do
    /// not match the outputs, ...).
    /// </summary>
    /// <param name="task">What the outputs mean.</param>
    /// <param name="layers">The layers, first to last; each takes the previous one's outputs.</param>
    /// <param name="preprocessing">Per-feature input scaling, or null for none.</param>
    /// <param name="postprocessing">Per-output scaling of a regression model, or null for none.</param>
    /// <param name="inputNames">One name per input feature, or null.</param>
    /// <param name="labels">One class name per output of a classifier, or null.</param>
    /// <param name="provenance">
    /// Where the model came from: a tree of strings, numbers, booleans, nulls, lists and
    /// string-keyed dictionaries (see docs/model-format.md for the keys the tools write). Copied.
    /// </param>
    public PrunedModel(
        ModelTask task,
        IReadOnlyList<DenseLayer> layers,
        InputPreprocessing? preprocessing = null,
        OutputPostprocessing? postprocessing = null,
        IReadOnlyList<string>? inputNames = null,
        IReadOnlyList<string>? labels = null,
        IReadOnlyDictionary<string, object?>? provenance = null)
    {
        if (layers == null)
        {
            throw new ArgumentNullException(nameof(layers));
        }

        if (task != ModelTask.Classification && task != ModelTask.Regression)
        {
            throw new PrunedModelFormatException("$.task", "unknown task " + (int)task);
        }

        if (layers.Count == 0)
        {
            throw new PrunedModelFormatException("$.layers", "a model needs at least one layer");
        }

        _layers = new DenseLayer[layers.Count];
        for (int k = 0; k < layers.Count; k++)
        {
            DenseLayer layer = layers[k] ?? throw new ArgumentNullException(nameof(layers), "layer " + k + " is null");
            _layers[k] = layer;
            if (k > 0 && layer.InputSize != layers[k - 1].OutputSize)
            {
                throw new PrunedModelFormatException(
                    "$.layers[" + k + "].in",
                    "layer " + k + " takes " + layer.InputSize + " inputs but layer " + (k - 1) + " has " + layers[k - 1].OutputSize + " outputs: layer sizes must chain");
            }

            if (layer.Activation == Activation.Softmax && k != layers.Count - 1)
            {
                throw new PrunedModelFormatException("$.layers[" + k + "].activation", "softmax is only allowed on the last layer");
            }
        }

        Task = task;
        if (task == ModelTask.Classification && OutputSize < 2)
        {
            throw new PrunedModelFormatException("$.task", "a classifier needs one output per class, at least 2; this model has " + OutputSize + " (use task \"regression\" for a single score)");
        }

        if (preprocessing != null && preprocessing.Count != InputSize)
        {
            throw new PrunedModelFormatException("$.preprocessing.shift", "expected " + InputSize + " values (one per input feature), found " + preprocessing.Count);
        }

        if (postprocessing != null)
        {
            if (task != ModelTask.Regression)
            {
                throw new PrunedModelFormatException("$.postprocessing", "output postprocessing only applies to regression models");
            }

            if (postprocessing.Count != OutputSize)
            {
                throw new PrunedModelFormatException("$.postprocessing.scale", "expected " + OutputSize + " values (one per output), found " + postprocessing.Count);
            }
        }

        InputNames = CheckNames(inputNames, InputSize, "$.inputNames", "input feature");
        if (labels != null && task != ModelTask.Classification)
        {
            throw new PrunedModelFormatException("$.labels", "class labels only apply to classification models");
        }

        Labels = CheckNames(labels, OutputSize, "$.labels", "output (class)");
        Preprocessing = preprocessing;
        Postprocessing = postprocessing;
        Provenance = provenance == null ? NoProvenance : ProvenanceTree.Copy(provenance, "$.provenance");
    }

    /// <summary>What the outputs mean.</summary>
    public ModelTask Task { get; }

    /// <summary>Number of raw input features a prediction takes.</summary>
    public int InputSize => _layers[0].InputSize;

    /// <summary>Number of outputs a prediction produces.</summary>
    public int OutputSize => _layers[_layers.Length - 1].OutputSize;

    /// <summary>The layers, first to last.</summary>
    public IReadOnlyList<DenseLayer> Layers => _layers;

    /// <summary>Input scaling applied to raw features, or null.</summary>
    public InputPreprocessing? Preprocessing { get; }

    /// <summary>Output scaling of a regression model, or null.</summary>
    public OutputPostprocessing? Postprocessing { get; }

    /// <summary>One name per input feature, or null.</summary>
    public IReadOnlyList<string>? InputNames { get; }

    /// <summary>One class name per output of a classifier, or null.</summary>
    public IReadOnlyList<string>? Labels { get; }

    /// <summary>Where the model came from (dataset, training and pruning settings, metrics); empty when unknown.</summary>
    public IReadOnlyDictionary<string, object?> Provenance { get; }

    /// <summary>Weights, nonzeros, sparsity, multiply-adds and dead neurons, per layer and overall.</summary>
    public ModelStatistics Statistics => _statistics ??= new ModelStatistics(this);

    /// <summary>Parses a model document. Errors carry the JSON path, line and column.</summary>
    /// <param name="json">The document's text.</param>
    /// <param name="sourceName">The file name to put in error messages, if any.</param>
    public static PrunedModel Parse(string json, string? sourceName = null) => ModelReader.Read(json, sourceName);

    /// <summary>The same model with other layers (same task, preprocessing, names and provenance).</summary>
    public PrunedModel WithLayers(IReadOnlyList<DenseLayer> layers)
        => new(Task, layers, Preprocessing, Postprocessing, InputNames, Labels, Provenance);

    /// <summary>The same model with another provenance.</summary>
    public PrunedModel WithProvenance(IReadOnlyDictionary<string, object?>? provenance)
        => new(Task, _layers, Preprocessing, Postprocessing, InputNames, Labels, provenance);

    private static IReadOnlyList<string>? CheckNames(IReadOnlyList<string>? names, int expected, string path, string what)
    {
        if (names == null)
        {
            return null;
        }

        if (names.Count != expected)
        {
            throw new PrunedModelFormatException(path, "expected " + expected + " names (one per " + what + "), found " + names.Count);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var copy = new string[names.Count];
        for (int i = 0; i < names.Count; i++)
        {
            string name = names[i];
            if (string.IsNullOrEmpty(name))
            {
                throw new PrunedModelFormatException(path + "[" + i + "]", "names must not be empty");
            }

            if (!seen.Add(name))
            {
                throw new PrunedModelFormatException(path + "[" + i + "]", "duplicate name \"" + name + "\"");
            }

            copy[i] = name;
        }

        return copy;
    }
}
