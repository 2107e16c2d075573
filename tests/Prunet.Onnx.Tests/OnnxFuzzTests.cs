using Prunet.Onnx;
using Xunit.Abstractions;

namespace Prunet.Tests;

/// <summary>
/// Truncated and corrupted ONNX files (issue 8): the reader returns a model or throws
/// <see cref="OnnxFormatException"/> naming the file; never another exception, never a hang.
/// </summary>
public class OnnxFuzzTests
{
    private static readonly string[] Seeds =
    {
        "gemm_alpha_beta.onnx", "gemm_data_as_b.onnx", "gemm_trans_both.onnx", "matmul_add_typed.onnx", "constants_passthrough.onnx",
        "reshape_constant.onnx", "preprocessing_ops.onnx", "shape_gather_opset9.onnx", "fixed_batch.onnx", "flatten_tanh.onnx", "mpg_regression.onnx",
        "batchnorm_mlp.onnx", "unfolded_constants.onnx", "squeezed_regression.onnx",
    };

    private readonly ITestOutputHelper _log;

    public OnnxFuzzTests(ITestOutputHelper log) => _log = log;

    [Fact]
    public void Truncations_and_byte_flips_give_a_model_or_a_format_error()
    {
        var random = new Random(20261201);
        int inputs = 0, models = 0, errors = 0;
        var samples = Seeds.Select(s => (Name: s, Bytes: File.ReadAllBytes(Fixtures.Path(s)))).ToList();
        samples.Add(("exported.onnx", OnnxExporter.ToBytes(RandomModels.Create(11))));
        foreach ((string name, byte[] original) in samples)
        {
            // Every truncation of the small files, a spread of them for the larger ones.
            int step = Math.Max(1, original.Length / 150);
            for (int length = 0; length < original.Length; length += step)
            {
                Check(name, original.AsSpan(0, length).ToArray());
            }

            for (int k = 0; k < 250; k++)
            {
                byte[] mutated = (byte[])original.Clone();
                int flips = 1 + random.Next(4);
                for (int f = 0; f < flips; f++)
                {
                    int at = random.Next(mutated.Length);
                    mutated[at] = random.Next(3) switch
                    {
                        0 => (byte)(mutated[at] ^ (1 << random.Next(8))),
                        1 => (byte)random.Next(256),
                        _ => (byte)(random.Next(2) == 0 ? 0x00 : 0xFF),
                    };
                }

                Check(name, mutated);
            }
        }

        _log.WriteLine(inputs + " inputs: " + models + " models, " + errors + " format errors");
        Assert.True(inputs >= 3000, inputs + " inputs");
        Assert.True(models > 0 && errors > 0, models + " models, " + errors + " errors");

        void Check(string name, byte[] bytes)
        {
            inputs++;
            try
            {
                PrunedModel model = OnnxImporter.Read(bytes, name).Model;
                var output = new float[model.OutputSize];
                model.Predict(new float[model.InputSize], output);
                models++;
            }
            catch (OnnxFormatException e)
            {
                Assert.StartsWith(name + ": ", e.Message, StringComparison.Ordinal);
                Assert.DoesNotContain('\n', e.Message);
                errors++;
            }
        }
    }
}
