using BenchmarkDotNet.Attributes;

namespace Prunet.Benchmarks;

/// <summary>
/// Tiny networks, where the per-call floor matters: 8-10-1 (auto-mpg regression, dense) and
/// 64-32-10 (digits, dense), on their test rows, under every kernel.
/// </summary>
[MemoryDiagnoser]
public class TinyBenchmarks
{
    private PrunedModel _interpreter = null!;
    private DenseYardstick _yardstick = null!;
    private OnnxRuntimeNetwork _onnx = null!;
    private float[] _rows = null!;
    private float[] _output = new float[10];
    private int _size;
    private int _rowCount;
    private int _next;
    private bool _mpg;

    [Params("mpg-8-10-1", "digits-64-32-10")]
    public string Model { get; set; } = "mpg-8-10-1";

    [GlobalSetup]
    public void Setup()
    {
        _mpg = Model.StartsWith("mpg", StringComparison.Ordinal);
        _interpreter = Inputs.Model(_mpg ? "mpg.model.json" : "digits-dense.model.json");
        _yardstick = new DenseYardstick(_interpreter);
        _onnx = new OnnxRuntimeNetwork(_interpreter);
        _rows = Inputs.Bundled(_mpg ? "auto-mpg" : "digits");
        _size = _interpreter.InputSize;
        _rowCount = _rows.Length / _size;
        foreach ((string name, Func<float> run) in new (string, Func<float>)[] { ("Yardstick", Yardstick), ("OnnxRuntime", OnnxRuntime), ("Auto", Auto), ("AutoPerLayer", AutoPerLayer), ("Unrolled", Unrolled), ("SparseRows", SparseRows), ("SparseColumns", SparseColumns), ("BlockSparse", BlockSparse), ("DenseSimd", DenseSimd) })
        {
            Inputs.CheckAgreement(name, _interpreter, _rows, row =>
            {
                _next = row;
                run();
                return _output.AsSpan(0, _interpreter.OutputSize).ToArray();
            });
        }

        _next = 0;
    }

    private ReadOnlySpan<float> Next()
    {
        int row = _next++;
        if (_next == _rowCount)
        {
            _next = 0;
        }

        return _rows.AsSpan(row * _size, _size);
    }

    private Span<float> Output => _output.AsSpan(0, _mpg ? 1 : 10);

    [Benchmark(Baseline = true)]
    public float Interpreter()
    {
        _interpreter.Predict(Next(), Output);
        return _output[0];
    }

    [GlobalCleanup]
    public void Cleanup() => _onnx.Dispose();

    [Benchmark]
    public float OnnxRuntime()
    {
        _onnx.Predict(Next(), Output);
        return _output[0];
    }

    [Benchmark]
    public float Yardstick()
    {
        _yardstick.Predict(Next(), Output);
        return _output[0];
    }

    [Benchmark]
    public float Auto()
    {
        if (_mpg) MpgAuto.Predict(Next(), Output); else DigitsDenseAuto.Predict(Next(), Output);
        return _output[0];
    }

    /// <summary>Auto with <c>StraightLine = false</c>: one method per layer, less to JIT-compile on the first call.</summary>
    [Benchmark]
    public float AutoPerLayer()
    {
        if (_mpg) MpgAutoPerLayer.Predict(Next(), Output); else DigitsDenseAutoPerLayer.Predict(Next(), Output);
        return _output[0];
    }

    [Benchmark]
    public float Unrolled()
    {
        if (_mpg) MpgUnrolled.Predict(Next(), Output); else DigitsDenseUnrolled.Predict(Next(), Output);
        return _output[0];
    }

    [Benchmark]
    public float SparseRows()
    {
        if (_mpg) MpgSparseRows.Predict(Next(), Output); else DigitsDenseSparseRows.Predict(Next(), Output);
        return _output[0];
    }

    [Benchmark]
    public float SparseColumns()
    {
        if (_mpg) MpgSparseColumns.Predict(Next(), Output); else DigitsDenseSparseColumns.Predict(Next(), Output);
        return _output[0];
    }

    [Benchmark]
    public float BlockSparse()
    {
        if (_mpg) MpgBlockSparse.Predict(Next(), Output); else DigitsDenseBlockSparse.Predict(Next(), Output);
        return _output[0];
    }

    [Benchmark]
    public float DenseSimd()
    {
        if (_mpg) MpgDenseSimd.Predict(Next(), Output); else DigitsDenseDenseSimd.Predict(Next(), Output);
        return _output[0];
    }
}
