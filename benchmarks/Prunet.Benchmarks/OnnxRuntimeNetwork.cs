using Microsoft.ML.OnnxRuntime;
using Prunet.Onnx;

namespace Prunet.Benchmarks;

/// <summary>
/// A model in ONNX Runtime, exported by Prunet's own exporter (<see cref="OnnxExporter"/>), run
/// the fastest way its C# API allows for one row: one thread, sequential execution, every graph
/// optimisation, and input and output <see cref="OrtValue"/>s bound once to pinned buffers
/// (<see cref="OrtIoBinding"/>), so that a call copies the row in, runs, and copies the outputs out.
/// </summary>
public sealed class OnnxRuntimeNetwork : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();
    private readonly OrtIoBinding _binding;
    private readonly OrtValue _input;
    private readonly OrtValue _output;
    private readonly float[] _inputs;
    private readonly float[] _outputs;

    public OnnxRuntimeNetwork(PrunedModel model)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(OnnxExporter.ToBytes(model), options);
        _inputs = new float[model.InputSize];
        _outputs = new float[model.OutputSize];
        _input = OrtValue.CreateTensorValueFromMemory(_inputs, new long[] { 1, model.InputSize });
        _output = OrtValue.CreateTensorValueFromMemory(_outputs, new long[] { 1, model.OutputSize });
        _binding = _session.CreateIoBinding();
        _binding.BindInput(_session.InputNames[0], _input);
        _binding.BindOutput(_session.OutputNames[0], _output);
    }

    public void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        input.CopyTo(_inputs);
        _session.RunWithBinding(_run, _binding);
        _outputs.AsSpan(0, output.Length).CopyTo(output);
    }

    public void Dispose()
    {
        _binding.Dispose();
        _input.Dispose();
        _output.Dispose();
        _run.Dispose();
        _session.Dispose();
    }
}
