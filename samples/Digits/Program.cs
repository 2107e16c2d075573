// The digits sample: the generated DigitsNet against the reference interpreter on the bundled
// digits test split (the same rows `prunet` tests on).
using System.Diagnostics;
using Prunet;
using Prunet.Data;

PrunedModel interpreter = PrunedModel.Load(Path.Combine(AppContext.BaseDirectory, "digits.model.json"));
Dataset test = DataSource.Load(new DataOptions("digits", SplitSeed: SplitSeed(interpreter))).Test;

int correct = 0, agreeing = 0;
for (int r = 0; r < test.Rows; r++)
{
    ReadOnlySpan<float> pixels = test.Row(r);
    int digit = DigitsNet.PredictClass(pixels);
    correct += digit == test.Labels![r] ? 1 : 0;
    agreeing += digit == interpreter.PredictClass(pixels) ? 1 : 0;
}

ModelStatistics stats = interpreter.Statistics;
Console.WriteLine($"DigitsNet: {DigitsNet.InputSize} inputs, {DigitsNet.OutputSize} classes ({string.Join(" ", DigitsNet.Labels)})");
Console.WriteLine($"  weights: {stats.NonzeroWeights} of {stats.Weights} nonzero ({stats.Sparsity:P1} sparse), {stats.MultiplyAdds} multiply-adds per inference");
Console.WriteLine($"  test accuracy: {(double)correct / test.Rows:F4} on {test.Rows} rows");
Console.WriteLine($"  same class as the interpreter: {agreeing} of {test.Rows} rows");

// A rough timing for the demo (BenchmarkDotNet in benchmarks/ gives the measured figures).
double generated = MicrosecondsPerInference(row => DigitsNet.PredictClass(test.Row(row)));
double interpreted = MicrosecondsPerInference(row => interpreter.PredictClass(test.Row(row)));
Console.WriteLine($"  time per inference: generated {generated:F3} µs, interpreter {interpreted:F3} µs ({interpreted / generated:F0}x)");
return agreeing == test.Rows ? 0 : 1;

double MicrosecondsPerInference(Func<int, int> predict)
{
    // Long enough for tiered compilation to replace the first, unoptimised code.
    int sink = 0;
    var warmUp = Stopwatch.StartNew();
    while (warmUp.ElapsedMilliseconds < 500)
    {
        for (int r = 0; r < test.Rows; r++)
        {
            sink += predict(r);
        }
    }

    var watch = Stopwatch.StartNew();
    int calls = 0;
    while (watch.ElapsedMilliseconds < 300)
    {
        for (int r = 0; r < test.Rows; r++)
        {
            sink += predict(r);
        }

        calls += test.Rows;
    }

    GC.KeepAlive(sink);
    return watch.Elapsed.TotalMilliseconds * 1000 / calls;
}

// The split the model was trained and tested with, as `prunet` recorded it (0 by default).
static int SplitSeed(PrunedModel model)
    => model.Provenance.TryGetValue("data", out object? data) && data is IReadOnlyDictionary<string, object?> settings
       && settings.TryGetValue("splitSeed", out object? seed) && seed is double value ? (int)value : 0;

[PrunedNetwork("digits.model.json")]
internal static partial class DigitsNet
{
}
