namespace Prunet.Benchmarks;

// The benchmark networks (benchmarks/models, made by make-models.sh), each compiled once per
// kernel: Auto, and every kernel forced on every layer. A forced Unrolled is left out for the
// 784-300-100-10 networks (it falls back to SparseRows on their large layers, PRN011).
#pragma warning disable PRN009 // not reported here anyway: every class of a model has its own kernel

[PrunedNetwork("fashion-90.model.json")] internal static partial class Fashion90Auto { }
[PrunedNetwork("fashion-90.model.json", Kernel = PrunedNetworkKernel.SparseRows)] internal static partial class Fashion90SparseRows { }
[PrunedNetwork("fashion-90.model.json", Kernel = PrunedNetworkKernel.SparseColumns)] internal static partial class Fashion90SparseColumns { }
[PrunedNetwork("fashion-90.model.json", Kernel = PrunedNetworkKernel.BlockSparse)] internal static partial class Fashion90BlockSparse { }
[PrunedNetwork("fashion-90.model.json", Kernel = PrunedNetworkKernel.DenseSimd)] internal static partial class Fashion90DenseSimd { }
[PrunedNetwork("fashion-90.model.json", Kernel = PrunedNetworkKernel.SparseWindows)] internal static partial class Fashion90SparseWindows { }

[PrunedNetwork("fashion-95.model.json")] internal static partial class Fashion95Auto { }
[PrunedNetwork("fashion-95.model.json", Kernel = PrunedNetworkKernel.SparseRows)] internal static partial class Fashion95SparseRows { }
[PrunedNetwork("fashion-95.model.json", Kernel = PrunedNetworkKernel.SparseColumns)] internal static partial class Fashion95SparseColumns { }
[PrunedNetwork("fashion-95.model.json", Kernel = PrunedNetworkKernel.BlockSparse)] internal static partial class Fashion95BlockSparse { }
[PrunedNetwork("fashion-95.model.json", Kernel = PrunedNetworkKernel.DenseSimd)] internal static partial class Fashion95DenseSimd { }
[PrunedNetwork("fashion-95.model.json", Kernel = PrunedNetworkKernel.SparseWindows)] internal static partial class Fashion95SparseWindows { }

[PrunedNetwork("fashion-block-90.model.json")] internal static partial class FashionBlock90Auto { }
[PrunedNetwork("fashion-block-90.model.json", Kernel = PrunedNetworkKernel.SparseRows)] internal static partial class FashionBlock90SparseRows { }
[PrunedNetwork("fashion-block-90.model.json", Kernel = PrunedNetworkKernel.SparseColumns)] internal static partial class FashionBlock90SparseColumns { }
[PrunedNetwork("fashion-block-90.model.json", Kernel = PrunedNetworkKernel.BlockSparse)] internal static partial class FashionBlock90BlockSparse { }
[PrunedNetwork("fashion-block-90.model.json", Kernel = PrunedNetworkKernel.DenseSimd)] internal static partial class FashionBlock90DenseSimd { }
[PrunedNetwork("fashion-block-90.model.json", Kernel = PrunedNetworkKernel.SparseWindows)] internal static partial class FashionBlock90SparseWindows { }

[PrunedNetwork("mpg.model.json")] internal static partial class MpgAuto { }
[PrunedNetwork("mpg.model.json", StraightLine = false)] internal static partial class MpgAutoPerLayer { }
[PrunedNetwork("mpg.model.json", Kernel = PrunedNetworkKernel.Unrolled)] internal static partial class MpgUnrolled { }
[PrunedNetwork("mpg.model.json", Kernel = PrunedNetworkKernel.SparseRows)] internal static partial class MpgSparseRows { }
[PrunedNetwork("mpg.model.json", Kernel = PrunedNetworkKernel.SparseColumns)] internal static partial class MpgSparseColumns { }
[PrunedNetwork("mpg.model.json", Kernel = PrunedNetworkKernel.BlockSparse)] internal static partial class MpgBlockSparse { }
[PrunedNetwork("mpg.model.json", Kernel = PrunedNetworkKernel.DenseSimd)] internal static partial class MpgDenseSimd { }

[PrunedNetwork("digits-dense.model.json")] internal static partial class DigitsDenseAuto { }
[PrunedNetwork("digits-dense.model.json", StraightLine = false)] internal static partial class DigitsDenseAutoPerLayer { }
[PrunedNetwork("digits-dense.model.json", Kernel = PrunedNetworkKernel.Unrolled)] internal static partial class DigitsDenseUnrolled { }
[PrunedNetwork("digits-dense.model.json", Kernel = PrunedNetworkKernel.SparseRows)] internal static partial class DigitsDenseSparseRows { }
[PrunedNetwork("digits-dense.model.json", Kernel = PrunedNetworkKernel.SparseColumns)] internal static partial class DigitsDenseSparseColumns { }
[PrunedNetwork("digits-dense.model.json", Kernel = PrunedNetworkKernel.BlockSparse)] internal static partial class DigitsDenseBlockSparse { }
[PrunedNetwork("digits-dense.model.json", Kernel = PrunedNetworkKernel.DenseSimd)] internal static partial class DigitsDenseDenseSimd { }
