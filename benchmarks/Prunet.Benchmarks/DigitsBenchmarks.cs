using BenchmarkDotNet.Attributes;
using Prunet.Data;

namespace Prunet.Benchmarks;

/// <summary>
/// The bundled pruned digits model (64-32-10, 80% sparse): one inference of the generated class
/// against the reference interpreter, on real test rows (raw pixels, many exactly 0).
/// </summary>
[MemoryDiagnoser]
public class DigitsBenchmarks
{
    private PrunedModel _interpreter = null!;
    private float[][] _rows = null!;
    private float[] _output = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _interpreter = PrunedModel.Load(Path.Combine(AppContext.BaseDirectory, "digits.model.json"));
        Dataset test = DataSource.Load(new DataOptions("digits")).Test;
        _rows = Enumerable.Range(0, test.Rows).Select(r => test.Row(r).ToArray()).ToArray();
        _output = new float[DigitsNet.OutputSize];
    }

    [Benchmark(Baseline = true)]
    public float Interpreter()
    {
        float[] row = _rows[_next++ % _rows.Length];
        _interpreter.Predict(row, _output);
        return _output[0];
    }

    [Benchmark]
    public float Generated()
    {
        float[] row = _rows[_next++ % _rows.Length];
        DigitsNet.Predict(row, _output);
        return _output[0];
    }
}

[PrunedNetwork("digits.model.json")]
internal static partial class DigitsNet
{
}
