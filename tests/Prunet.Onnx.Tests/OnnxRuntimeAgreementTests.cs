using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Prunet.Onnx;
using Xunit.Abstractions;

namespace Prunet.Tests;

/// <summary>
/// ONNX Runtime is the reference the exporter answers to: every exported model must load there and
/// agree with the interpreter under <see cref="OutputAgreement"/>; and every fixture, run in ONNX
/// Runtime as PyTorch wrote it, must agree with its import run by the interpreter.
/// </summary>
public class OnnxRuntimeAgreementTests
{
    private readonly ITestOutputHelper _log;

    public OnnxRuntimeAgreementTests(ITestOutputHelper log) => _log = log;

    [Fact]
    public void Exported_models_run_in_onnx_runtime_and_agree_with_the_interpreter()
    {
        int rows = 0;
        double worst = 0;
        for (int seed = 0; seed < 100; seed++)
        {
            PrunedModel model = RandomModels.Create(seed);
            using var session = new InferenceSession(OnnxExporter.ToBytes(model));
            var random = new Random(seed);
            const int batch = 16;
            float[] inputs = Enumerable.Range(0, batch).SelectMany(_ => RandomModels.Input(random, model.InputSize)).ToArray();
            float[] outputs = Run(session, OnnxExporter.InputName, inputs, new long[] { batch, model.InputSize });
            var reference = new float[model.OutputSize];
            for (int r = 0; r < batch; r++)
            {
                model.Predict(inputs.AsSpan(r * model.InputSize, model.InputSize), reference);
                ReadOnlySpan<float> actual = outputs.AsSpan(r * model.OutputSize, model.OutputSize);
                Assert.True(OutputAgreement.Agrees(actual, reference, out string why), "seed " + seed + ", row " + r + ": " + why);
                worst = Math.Max(worst, RelativeError(actual, reference));
                rows++;
            }
        }

        Assert.Equal(1600, rows);
        Assert.True(worst <= OutputAgreement.ValueTolerance, "worst relative difference " + worst);
        _log.WriteLine(FormattableString.Invariant($"{rows} rows of 100 random exported models: worst |ORT - interpreter| / max(1, max|interpreter|) = {worst:G3}"));
    }

    [Theory]
    [MemberData(nameof(Fixtures.ImportableData), MemberType = typeof(Fixtures))]
    public void Fixtures_in_onnx_runtime_agree_with_their_import(string name)
    {
        PrunedModel model = OnnxImporter.Import(Fixtures.Path(name));
        using var session = new InferenceSession(Fixtures.Path(name));
        string input = session.InputMetadata.Keys.Single();
        long[] shape = Fixtures.InputShape(name);
        float[][] rows = Fixtures.Rows(name, "inputs");

        // A graph exported for a fixed batch takes one sample at a time.
        bool fixedBatch = session.InputMetadata[input].Dimensions[0] > 0;
        int batch = fixedBatch ? 1 : rows.Length;
        double worst = 0;
        for (int start = 0; start < rows.Length; start += batch)
        {
            long[] batchShape = (long[])shape.Clone();
            batchShape[0] = batch;
            float[] outputs = Run(session, input, rows.Skip(start).Take(batch).SelectMany(r => r).ToArray(), batchShape);
            var reference = new float[model.OutputSize];
            for (int r = 0; r < batch; r++)
            {
                model.Predict(rows[start + r], reference);
                Assert.True(OutputAgreement.Agrees(outputs.AsSpan(r * model.OutputSize, model.OutputSize), reference, out string why), name + ", sample " + (start + r) + ": " + why);
                worst = Math.Max(worst, RelativeError(outputs.AsSpan(r * model.OutputSize, model.OutputSize), reference));
            }
        }

        _log.WriteLine(FormattableString.Invariant($"{name}: worst relative difference, ORT on the original file vs the interpreter on its import: {worst:G3}"));
    }

    private static float[] Run(InferenceSession session, string input, float[] values, long[] shape)
    {
        var tensor = new DenseTensor<float>(values, shape.Select(d => (int)d).ToArray());
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(input, tensor) });
        return results.Single().AsEnumerable<float>().ToArray();
    }

    internal static double RelativeError(ReadOnlySpan<float> actual, ReadOnlySpan<float> reference)
    {
        double scale = 1;
        foreach (float b in reference)
        {
            scale = Math.Max(scale, Math.Abs(b));
        }

        double worst = 0;
        for (int j = 0; j < reference.Length; j++)
        {
            worst = Math.Max(worst, Math.Abs((double)actual[j] - reference[j]) / scale);
        }

        return worst;
    }
}
