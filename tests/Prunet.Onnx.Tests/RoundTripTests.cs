using Prunet.Onnx;

namespace Prunet.Tests;

/// <summary>Ours → ONNX → ours: the same predictions, bit for bit, and the same model apart from the import record.</summary>
public class RoundTripTests
{
    [Fact]
    public void Export_then_import_gives_identical_predictions_and_the_same_model()
    {
        for (int seed = 0; seed < 200; seed++)
        {
            PrunedModel original = RandomModels.Create(seed);
            PrunedModel back = OnnxImporter.Read(OnnxExporter.ToBytes(original), "round-trip.onnx").Model;

            var random = new Random(seed);
            var a = new float[original.OutputSize];
            var b = new float[back.OutputSize];
            for (int r = 0; r < 20; r++)
            {
                float[] input = RandomModels.Input(random, original.InputSize);
                original.Predict(input, a);
                back.Predict(input, b);
                Assert.True(a.AsSpan().SequenceEqual(b), "seed " + seed + ": outputs differ: " + string.Join(", ", a) + " vs " + string.Join(", ", b));
            }

            Assert.Equal(WithoutImportRecord(original).ToJson(), WithoutImportRecord(back).ToJson());
        }
    }

    [Fact]
    public void Importing_a_pytorch_network_then_exporting_and_importing_again_changes_nothing()
    {
        foreach (string name in Fixtures.Importable)
        {
            PrunedModel first = OnnxImporter.Import(Fixtures.Path(name));
            PrunedModel second = OnnxImporter.Read(OnnxExporter.ToBytes(first), name).Model;
            Assert.Equal(WithoutImportRecord(first).ToJson(), WithoutImportRecord(second).ToJson());
        }
    }

    [Fact]
    public void Export_is_deterministic_and_written_atomically()
    {
        PrunedModel model = RandomModels.Create(7);
        Assert.Equal(OnnxExporter.ToBytes(model), OnnxExporter.ToBytes(model));
        using var temp = new TempDirectory();
        OnnxExporter.Save(model, temp.File("m.onnx"));
        Assert.Equal(OnnxExporter.ToBytes(model), File.ReadAllBytes(temp.File("m.onnx")));
        Assert.Single(Directory.GetFiles(temp.Path));
    }

    // The import's own record aside; and a feature scaled by 0 has no shift to recover (it computes the same without).
    private static PrunedModel WithoutImportRecord(PrunedModel model)
    {
        var provenance = new Dictionary<string, object?>(model.Provenance);
        provenance.Remove("imported");
        provenance.Remove("producer");
        InputPreprocessing? preprocessing = model.Preprocessing;
        if (preprocessing != null)
        {
            float[] scale = preprocessing.Scale.ToArray();
            float[] shift = preprocessing.Shift.ToArray().Select((s, i) => scale[i] == 0 ? 0f : s).ToArray();
            preprocessing = new InputPreprocessing(shift, scale);
        }

        return new PrunedModel(model.Task, model.Layers, preprocessing, model.Postprocessing, model.InputNames, model.Labels, provenance);
    }
}
