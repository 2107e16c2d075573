using BenchmarkDotNet.Attributes;

namespace Prunet.Benchmarks;

/// <summary>
/// 784-300-100-10 Fashion-MNIST classifiers, 90% and 95% element sparsity and 90% block sparsity
/// (blocks of 8 outputs), one inference per call: the generated class under Auto and under each
/// kernel forced on every layer, against the reference interpreter and the dense yardstick.
/// Inputs: real test images (raw pixels, about half exactly 0) or random pixels (none 0).
/// </summary>
[MemoryDiagnoser]
public class FashionBenchmarks
{
    private const int Size = 784;
    private PrunedModel _interpreter = null!;
    private DenseYardstick _yardstick = null!;
    private OnnxRuntimeNetwork _onnx = null!;
    private float[] _rows = null!;
    private float[] _output = new float[10];
    private int _rowCount;
    private int _next;
    private int _model;

    [Params("fashion-90", "fashion-95", "fashion-block-90")]
    public string Model { get; set; } = "fashion-90";

    [Params("images", "random")]
    public string Input { get; set; } = "images";

    [GlobalSetup]
    public void Setup()
    {
        _model = Array.IndexOf(new[] { "fashion-90", "fashion-95", "fashion-block-90" }, Model);
        _interpreter = Inputs.Model(Model + ".model.json");
        _yardstick = new DenseYardstick(_interpreter);
        _onnx = new OnnxRuntimeNetwork(_interpreter);
        _rows = Inputs.Fashion(Input);
        _rowCount = _rows.Length / Size;
        foreach ((string name, Func<float> run) in new (string, Func<float>)[] { ("Yardstick", Yardstick), ("OnnxRuntime", OnnxRuntime), ("Auto", Auto), ("SparseRows", SparseRows), ("SparseColumns", SparseColumns), ("BlockSparse", BlockSparse), ("DenseSimd", DenseSimd), ("SparseWindows", SparseWindows) })
        {
            Inputs.CheckAgreement(name, _interpreter, _rows, row =>
            {
                _next = row;
                run();
                return (float[])_output.Clone();
            });
        }

        _next = 0;
    }

    private ReadOnlySpan<float> Next() => _rows.AsSpan((_next++ % _rowCount) * Size, Size);

    [Benchmark(Baseline = true)]
    public float Interpreter()
    {
        _interpreter.Predict(Next(), _output);
        return _output[0];
    }

    [GlobalCleanup]
    public void Cleanup() => _onnx.Dispose();

    [Benchmark]
    public float OnnxRuntime()
    {
        _onnx.Predict(Next(), _output);
        return _output[0];
    }

    [Benchmark]
    public float Yardstick()
    {
        _yardstick.Predict(Next(), _output);
        return _output[0];
    }

    [Benchmark]
    public float Auto()
    {
        ReadOnlySpan<float> x = Next();
        switch (_model)
        {
            case 0: Fashion90Auto.Predict(x, _output); break;
            case 1: Fashion95Auto.Predict(x, _output); break;
            default: FashionBlock90Auto.Predict(x, _output); break;
        }

        return _output[0];
    }

    [Benchmark]
    public float SparseRows()
    {
        ReadOnlySpan<float> x = Next();
        switch (_model)
        {
            case 0: Fashion90SparseRows.Predict(x, _output); break;
            case 1: Fashion95SparseRows.Predict(x, _output); break;
            default: FashionBlock90SparseRows.Predict(x, _output); break;
        }

        return _output[0];
    }

    [Benchmark]
    public float SparseColumns()
    {
        ReadOnlySpan<float> x = Next();
        switch (_model)
        {
            case 0: Fashion90SparseColumns.Predict(x, _output); break;
            case 1: Fashion95SparseColumns.Predict(x, _output); break;
            default: FashionBlock90SparseColumns.Predict(x, _output); break;
        }

        return _output[0];
    }

    [Benchmark]
    public float BlockSparse()
    {
        ReadOnlySpan<float> x = Next();
        switch (_model)
        {
            case 0: Fashion90BlockSparse.Predict(x, _output); break;
            case 1: Fashion95BlockSparse.Predict(x, _output); break;
            default: FashionBlock90BlockSparse.Predict(x, _output); break;
        }

        return _output[0];
    }

    [Benchmark]
    public float DenseSimd()
    {
        ReadOnlySpan<float> x = Next();
        switch (_model)
        {
            case 0: Fashion90DenseSimd.Predict(x, _output); break;
            case 1: Fashion95DenseSimd.Predict(x, _output); break;
            default: FashionBlock90DenseSimd.Predict(x, _output); break;
        }

        return _output[0];
    }

    [Benchmark]
    public float SparseWindows()
    {
        ReadOnlySpan<float> x = Next();
        switch (_model)
        {
            case 0: Fashion90SparseWindows.Predict(x, _output); break;
            case 1: Fashion95SparseWindows.Predict(x, _output); break;
            default: FashionBlock90SparseWindows.Predict(x, _output); break;
        }

        return _output[0];
    }
}
