using System.Diagnostics;
using Prunet.Benchmarks;

// Prunet.AotProbe <network> <calls> [images|random]: runs <calls> predictions of one generated
// network over 1,024 Fashion-MNIST test images (raw pixels, read from the IDX file) or random
// pixels, and prints the time per call. Under callgrind, the difference between two call counts
// gives instructions per call.
// Prunet.AotProbe --first-call: the first-call probe of the benchmarks (first call, calls 2-100 and
// steady state, one fresh process per network), here with no JIT at all.
if (args.Length > 0 && args[0] == "--first-call")
{
    return WarmupProbe.Run(args);
}

var networks = new Dictionary<string, Action<float[], float[]>>
{
    ["Fashion90Auto"] = (x, y) => Fashion90Auto.Predict(x, y),
    ["Fashion90SparseRows"] = (x, y) => Fashion90SparseRows.Predict(x, y),
    ["Fashion90SparseColumns"] = (x, y) => Fashion90SparseColumns.Predict(x, y),
    ["Fashion90BlockSparse"] = (x, y) => Fashion90BlockSparse.Predict(x, y),
    ["Fashion90DenseSimd"] = (x, y) => Fashion90DenseSimd.Predict(x, y),
    ["Fashion90SparseWindows"] = (x, y) => Fashion90SparseWindows.Predict(x, y),
    ["Fashion95Auto"] = (x, y) => Fashion95Auto.Predict(x, y),
    ["Fashion95SparseRows"] = (x, y) => Fashion95SparseRows.Predict(x, y),
    ["Fashion95SparseColumns"] = (x, y) => Fashion95SparseColumns.Predict(x, y),
    ["Fashion95SparseWindows"] = (x, y) => Fashion95SparseWindows.Predict(x, y),
    ["FashionBlock90Auto"] = (x, y) => FashionBlock90Auto.Predict(x, y),
    ["FashionBlock90SparseRows"] = (x, y) => FashionBlock90SparseRows.Predict(x, y),
    ["FashionBlock90SparseColumns"] = (x, y) => FashionBlock90SparseColumns.Predict(x, y),
    ["FashionBlock90BlockSparse"] = (x, y) => FashionBlock90BlockSparse.Predict(x, y),
    ["FashionBlock90DenseSimd"] = (x, y) => FashionBlock90DenseSimd.Predict(x, y),
    ["DigitsDenseAuto"] = (x, y) => DigitsDenseAuto.Predict(x, y),
    ["DigitsDenseUnrolled"] = (x, y) => DigitsDenseUnrolled.Predict(x, y),
    ["DigitsDenseSparseRows"] = (x, y) => DigitsDenseSparseRows.Predict(x, y),
    ["DigitsDenseDenseSimd"] = (x, y) => DigitsDenseDenseSimd.Predict(x, y),
    ["MpgAuto"] = (x, y) => MpgAuto.Predict(x, y),
    ["MpgUnrolled"] = (x, y) => MpgUnrolled.Predict(x, y),
    ["MpgSparseRows"] = (x, y) => MpgSparseRows.Predict(x, y),
    ["MpgDenseSimd"] = (x, y) => MpgDenseSimd.Predict(x, y),
};

if (args.Length < 2 || !networks.TryGetValue(args[0], out Action<float[], float[]>? predict))
{
    Console.Error.WriteLine("usage: Prunet.AotProbe <network> <calls> [images|random]; networks: " + string.Join(", ", networks.Keys));
    return 2;
}

int calls = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
int size = args[0].StartsWith("Mpg", StringComparison.Ordinal) ? 8 : args[0].StartsWith("Digits", StringComparison.Ordinal) ? 64 : 784;
float[][] rows = Rows(size, args.Length > 2 ? args[2] : "images");
var output = new float[size == 8 ? 1 : 10];
long start = Stopwatch.GetTimestamp();
float check = 0;
for (int n = 0; n < calls; n++)
{
    predict(rows[n & 1023], output);
    check += output[0];
}

double ns = Stopwatch.GetElapsedTime(start).TotalNanoseconds / calls;
Console.WriteLine($"{args[0]}: {ns:0} ns per call over {calls} calls (checksum {check:0.###})");
return 0;

static float[][] Rows(int size, string kind)
{
    var rng = new Random(784);
    const string Images = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
    if (size != 784 || kind == "random" || !File.Exists(Images))
    {
        // Tiny networks and "random": pixels in 1..255 (none zero), scaled to the features' range.
        return Enumerable.Range(0, 1024).Select(_ => Enumerable.Range(0, size).Select(_ => (float)(1 + rng.Next(255)) / (size == 784 ? 1 : size == 64 ? 16 : 50)).ToArray()).ToArray();
    }

    using var gzip = new System.IO.Compression.GZipStream(File.OpenRead(Images), System.IO.Compression.CompressionMode.Decompress);
    var header = new byte[16];
    gzip.ReadExactly(header);
    var rows = new float[1024][];
    var pixels = new byte[784];
    for (int r = 0; r < rows.Length; r++)
    {
        gzip.ReadExactly(pixels);
        rows[r] = Array.ConvertAll(pixels, p => (float)p);
    }

    return rows;
}
