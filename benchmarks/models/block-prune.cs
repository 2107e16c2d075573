#:project ../../src/Runtime/Prunet.Runtime.csproj
// Block magnitude pruning, for the benchmark models until `prunet prune` has it: in every layer
// with at least 8 outputs, the aligned blocks of 8 consecutive outputs sharing one input
// (outputs 8k..8k+7 of input i) with the smallest L2 norm are set to zero, whole, until the given
// fraction of blocks is gone; a last partial block (outputs past a multiple of 8) is pruned by
// the same rule. The layer records blockSize 8. Fine-tune afterwards with
// `prunet prune --threshold 1e-30` (it prunes nothing more and keeps zeros at zero).
//
//   dotnet run block-prune.cs -- dense.model.json 0.9 block.model.json
using Prunet;

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: dotnet run block-prune.cs -- <model> <fraction of blocks> <output>");
    return 2;
}

const int Block = 8;
PrunedModel model = PrunedModel.Load(args[0]);
double fraction = double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
var layers = new List<DenseLayer>();
foreach (DenseLayer layer in model.Layers)
{
    if (layer.OutputSize < Block)
    {
        layers.Add(layer);
        continue;
    }

    float[] weights = layer.CopyWeights();
    int blocks = (layer.OutputSize + Block - 1) / Block;
    var norms = new List<(double Norm, int Block, int Input)>();
    for (int b = 0; b < blocks; b++)
    {
        for (int i = 0; i < layer.InputSize; i++)
        {
            double sum = 0;
            for (int j = b * Block; j < Math.Min(layer.OutputSize, (b + 1) * Block); j++)
            {
                sum += (double)weights[j * layer.InputSize + i] * weights[j * layer.InputSize + i];
            }

            norms.Add((sum, b, i));
        }
    }

    norms.Sort((x, y) => x.Norm != y.Norm ? x.Norm.CompareTo(y.Norm) : (x.Block, x.Input).CompareTo((y.Block, y.Input)));
    int remove = (int)Math.Round(fraction * norms.Count);
    foreach ((double _, int b, int i) in norms.Take(remove))
    {
        for (int j = b * Block; j < Math.Min(layer.OutputSize, (b + 1) * Block); j++)
        {
            weights[j * layer.InputSize + i] = 0f;
        }
    }

    layers.Add(new DenseLayer(layer.InputSize, layer.OutputSize, layer.Activation, weights, layer.CopyBias(), layer.Alpha, Block));
}

var pruned = new PrunedModel(model.Task, layers, model.Preprocessing, model.Postprocessing, model.InputNames, model.Labels, model.Provenance);
pruned.Save(args[2]);
Console.WriteLine($"{args[2]}: {pruned.Statistics.NonzeroWeights} of {pruned.Statistics.Weights} weights remain");
return 0;
