#!/usr/bin/python3
"""Makes the ONNX fixtures of tests/Prunet.Onnx.Tests and the outputs they must give.

Real PyTorch networks exported with torch.onnx.export, graphs made by hand with onnx.helper for
each supported operator and attribute combination, and broken or unsupported graphs that must
give their error. expected.json records, for every fixture that imports, a few inputs and the
outputs PyTorch (or, for hand-made graphs, numpy, written out op by op below) computes for them;
the C# tests check Prunet's import against these numbers with the repository's agreement rule.

Run from the repository root (Debian: apt-get install python3-torch python3-onnx):

    /usr/bin/python3 tests/Prunet.Onnx.Tests/Fixtures/make_fixtures.py

The fixtures are committed: the tests do not need Python. Everything is seeded, but PyTorch and
protobuf versions may change the bytes; the recorded outputs always match the files written.
"""

import csv
import json
import os
import sys

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
EXPECTED = {}


def save(model, name):
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(HERE, name))


def record(name, inputs, outputs, **facts):
    """Inputs and outputs as lists of float32 values (exact in JSON as doubles), one row per sample."""
    inputs = np.asarray(inputs, dtype=np.float32)
    outputs = np.asarray(outputs, dtype=np.float32)
    EXPECTED[name] = {
        "inputShape": list(inputs.shape),
        "inputs": [[float(v) for v in row] for row in inputs.reshape(inputs.shape[0], -1)],
        "outputs": [[float(v) for v in row] for row in outputs.reshape(outputs.shape[0], -1)],
        **facts,
    }


def export(module, example, name, opset, dynamic=True):
    module.eval()
    path = os.path.join(HERE, name)
    torch.onnx.export(
        module, example, path, opset_version=opset, input_names=["x"], output_names=["y"],
        dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}} if dynamic else None,
        do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path))


# ---------------------------------------------------------------- real PyTorch networks

class MnistMlp(torch.nn.Module):
    """A small 784-32-16-10 variant of the classic 784-300-100-10, with its normalisation in forward."""

    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(784, 32)
        self.fc2 = torch.nn.Linear(32, 16)
        self.fc3 = torch.nn.Linear(16, 10)
        self.dropout = torch.nn.Dropout(0.2)

    def forward(self, x):
        x = x / 255
        x = x.view(x.size(0), -1)
        x = torch.nn.functional.leaky_relu(self.fc1(x), 0.1)
        x = self.dropout(x)
        x = torch.tanh(self.fc2(x))
        return torch.softmax(self.fc3(x), dim=1)


def mnist_mlp():
    torch.manual_seed(1)
    net = MnistMlp()
    with torch.no_grad():
        # Pruned elsewhere: half of the first layer's weights are zero and must arrive as pruned.
        w = net.fc1.weight
        w[w.abs() < w.abs().median()] = 0
    images = torch.randint(0, 256, (5, 1, 28, 28)).float()
    export(net, images, "mnist_mlp.onnx", opset=13)
    with torch.no_grad():
        record("mnist_mlp.onnx", images, net(images), layers="784-32-16-10",
               activations=["leaky_relu", "tanh", "softmax"], task="classification",
               zeroWeights=int((net.fc1.weight == 0).sum()))
    tiny_idx(net)


def tiny_idx(net):
    """A tiny IDX directory of 28x28 images, and the accuracy PyTorch gets on its t10k part."""
    rng = np.random.default_rng(2)
    folder = os.path.join(HERE, "tiny-idx")
    os.makedirs(folder, exist_ok=True)
    accuracy = None
    for prefix, rows in (("train", 20), ("t10k", 30)):
        images = rng.integers(0, 256, size=(rows, 28, 28), dtype=np.uint8)
        with torch.no_grad():
            predicted = net(torch.from_numpy(images.astype(np.float32)).view(rows, 1, 28, 28)).argmax(1).numpy()
        # Labels: PyTorch's own prediction for two rows in three, another class for the rest.
        labels = np.where(np.arange(rows) % 3 == 2, (predicted + 1) % 10, predicted).astype(np.uint8)
        labels[:10] = np.arange(10)  # every class occurs, so that the class list is 0-9
        with open(os.path.join(folder, prefix + "-images-idx3-ubyte"), "wb") as f:
            f.write(np.array([0, 0, 8, 3], dtype=np.uint8).tobytes())
            f.write(np.array([rows, 28, 28], dtype=">i4").tobytes())
            f.write(images.tobytes())
        with open(os.path.join(folder, prefix + "-labels-idx1-ubyte"), "wb") as f:
            f.write(np.array([0, 0, 8, 1], dtype=np.uint8).tobytes())
            f.write(np.array([rows], dtype=">i4").tobytes())
            f.write(labels.tobytes())
        if prefix == "t10k":
            accuracy = float((predicted == labels).mean())
    EXPECTED["tiny-idx"] = {"model": "mnist_mlp.onnx", "testAccuracy": accuracy}


class DigitsMlp(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = torch.nn.Linear(64, 32)
        self.out = torch.nn.Linear(32, 10)

    def forward(self, x):
        return self.out(torch.relu(self.hidden(x / 16)))  # raw logits, as PyTorch classifiers end


def digits_mlp():
    """A 64-32-10 network trained on the bundled digits (data/digits.csv), ending in raw logits."""
    with open(os.path.join(ROOT, "data", "digits.csv")) as f:
        rows = list(csv.reader(f))[1:]
    x = torch.tensor([[float(v) for v in r[:-1]] for r in rows])
    y = torch.tensor([int(r[-1]) for r in rows])
    torch.manual_seed(0)
    net = DigitsMlp()
    optimiser = torch.optim.Adam(net.parameters(), lr=0.01)
    for _ in range(60):
        for start in range(0, len(x), 64):
            optimiser.zero_grad()
            loss = torch.nn.functional.cross_entropy(net(x[start:start + 64]), y[start:start + 64])
            loss.backward()
            optimiser.step()
    net.eval()
    export(net, x[:2], "digits_mlp.onnx", opset=11)
    with torch.no_grad():
        logits = net(x)
        record("digits_mlp.onnx", x[:6], logits[:6], layers="64-32-10", activations=["relu", "linear"], task="classification")
        EXPECTED["digits_mlp.onnx"]["predictedClasses"] = logits.argmax(1).tolist()
        EXPECTED["digits_mlp.onnx"]["accuracy"] = float((logits.argmax(1) == y).float().mean())


class MpgRegression(torch.nn.Module):
    """Standardisation and its inverse written in forward, with per-feature tensors."""

    def __init__(self, mean, std, y_mean, y_std):
        super().__init__()
        self.register_buffer("mean", mean)
        self.register_buffer("std", std)
        self.y_mean, self.y_std = y_mean, y_std
        self.fc1 = torch.nn.Linear(8, 16)
        self.fc2 = torch.nn.Linear(16, 1)

    def forward(self, x):
        x = (x - self.mean) / self.std
        return self.fc2(torch.sigmoid(self.fc1(x))) * self.y_std + self.y_mean


def mpg_regression():
    torch.manual_seed(3)
    mean = torch.tensor([5.5, 194.0, 104.0, 2977.0, 15.5, 76.0, 0.17, 0.2])
    std = torch.tensor([1.7, 104.0, 38.0, 849.0, 2.8, 3.7, 0.38, 0.4])
    net = MpgRegression(mean, std, 23.4, 7.8)
    x = mean + std * torch.randn(4, 8)
    export(net, x, "mpg_regression.onnx", opset=9)
    with torch.no_grad():
        record("mpg_regression.onnx", x, net(x), layers="8-16-1", activations=["sigmoid", "linear"], task="regression", postprocessing=True)


class FlattenTanh(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(48, 12), torch.nn.Tanh(), torch.nn.Dropout(0.5), torch.nn.Linear(12, 3))

    def forward(self, x):
        return self.net(x)


def flatten_tanh():
    torch.manual_seed(4)
    net = FlattenTanh()
    x = torch.randn(3, 3, 4, 4)
    export(net, x, "flatten_tanh.onnx", opset=17)
    with torch.no_grad():
        record("flatten_tanh.onnx", x, net(x), layers="48-12-3", activations=["tanh", "linear"], task="classification")


class FixedBatch(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(6, 3)

    def forward(self, x):
        return torch.sigmoid(self.fc(x.view(x.size(0), -1)))


def fixed_batch():
    """Exported without dynamic axes: the graph's batch is 1 and the reshape target a constant [1, 6]."""
    torch.manual_seed(5)
    net = FixedBatch()
    x = torch.randn(1, 2, 3)
    export(net, x, "fixed_batch.onnx", opset=13, dynamic=False)
    with torch.no_grad():
        more = torch.randn(3, 2, 3)
        record("fixed_batch.onnx", more, torch.cat([net(more[i:i + 1]) for i in range(3)]), layers="6-3", activations=["sigmoid"], task="classification")


class BatchNormMlp(torch.nn.Module):
    """Linear, BatchNorm1d, ReLU: batch normalisation in inference folds into the layer before it."""

    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(10, 8)
        self.bn = torch.nn.BatchNorm1d(8)
        self.fc2 = torch.nn.Linear(8, 4)

    def forward(self, x):
        return self.fc2(torch.relu(self.bn(self.fc1(x))))


def batchnorm_mlp():
    torch.manual_seed(6)
    net = BatchNormMlp()
    with torch.no_grad():
        net.bn.running_mean.uniform_(-1, 1)
        net.bn.running_var.uniform_(0.5, 2)
        net.bn.weight.uniform_(0.5, 1.5)
        net.bn.bias.uniform_(-0.5, 0.5)
    x = torch.randn(4, 10)
    export(net, x, "batchnorm_mlp.onnx", opset=13)
    with torch.no_grad():
        record("batchnorm_mlp.onnx", x, net.eval()(x), layers="10-8-4", activations=["relu", "linear"], task="classification")


class SqueezedRegression(torch.nn.Module):
    """A regression returning one value per sample, [N] rather than [N, 1], as PyTorch code often does."""

    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(3, 5)
        self.fc2 = torch.nn.Linear(5, 1)

    def forward(self, x):
        return self.fc2(torch.tanh(self.fc1(x.unsqueeze(1)).squeeze(1))).squeeze(1)


def squeezed_regression():
    torch.manual_seed(8)
    net = SqueezedRegression()
    x = torch.randn(4, 3)
    export(net, x, "squeezed_regression.onnx", opset=13)
    with torch.no_grad():
        record("squeezed_regression.onnx", x, net(x).reshape(4, 1), layers="3-5-1", activations=["tanh", "linear"], task="regression")


# ---------------------------------------------------------------- graphs made by hand

RNG = np.random.default_rng(7)


def weights(*shape):
    return RNG.standard_normal(shape).astype(np.float32) * 0.5


def initializer(name, array, typed=False):
    """An initializer as raw_data (what PyTorch writes) or, typed=True, as float_data/int64_data."""
    array = np.asarray(array)
    if not typed:
        return numpy_helper.from_array(array, name)
    kind = {np.dtype(np.float32): TensorProto.FLOAT, np.dtype(np.int64): TensorProto.INT64, np.dtype(np.float64): TensorProto.DOUBLE}[array.dtype]
    return helper.make_tensor(name, kind, array.shape, array.flatten().tolist())


def graph_model(name, nodes, inputs, outputs, inits, opset=13, ir=None):
    graph = helper.make_graph(nodes, name.replace(".onnx", ""), inputs, outputs, inits)
    model = helper.make_model(graph, producer_name="make_fixtures.py", opset_imports=[helper.make_opsetid("", opset)])
    if ir is not None:
        model.ir_version = ir
    return model


def tensor_info(name, shape, kind=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, kind, shape)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def hand(name, nodes, inputs, outputs, inits, x, y, opset=13, **facts):
    save(graph_model(name, nodes, inputs, outputs, inits, opset), name)
    record(name, x, y, **facts)


def gemm_alpha_beta():
    """Gemm with the data as A, weights stored [in, out] (transB=0), alpha and beta."""
    w, c = weights(5, 4), weights(4)
    x = RNG.standard_normal((3, 5)).astype(np.float32)
    hand("gemm_alpha_beta.onnx",
         [helper.make_node("Gemm", ["x", "w", "c"], ["z"], name="gemm", alpha=0.5, beta=2.0),
          helper.make_node("Relu", ["z"], ["y"], name="relu")],
         [tensor_info("x", ["N", 5])], [tensor_info("y", ["N", 4])],
         [initializer("w", w), initializer("c", c)],
         x, np.maximum(0, 0.5 * x @ w + 2.0 * c), layers="5-4", activations=["relu"])


def gemm_data_as_b():
    """Gemm(W, x, transB=1): samples in columns; then Gemm(h, W2, transA=1) turns them back into rows."""
    w1, b1 = weights(6, 5), weights(6, 1)
    w2, b2 = weights(6, 3), weights(3)
    x = RNG.standard_normal((4, 5)).astype(np.float32)
    h = np.tanh(w1 @ x.T + b1)          # [6, N]
    y = h.T @ w2 + b2                   # [N, 3]
    hand("gemm_data_as_b.onnx",
         [helper.make_node("Gemm", ["w1", "x", "b1"], ["z1"], name="columns", transB=1),
          helper.make_node("Tanh", ["z1"], ["h"], name="tanh"),
          helper.make_node("Gemm", ["h", "w2", "b2"], ["y"], name="rows", transA=1)],
         [tensor_info("x", ["N", 5])], [tensor_info("y", ["N", 3])],
         [initializer("w1", w1), initializer("b1", b1), initializer("w2", w2), initializer("b2", b2)],
         x, y, layers="5-6-3", activations=["tanh", "linear"])


def gemm_trans_both():
    """Gemm(W^T stored, x^T stored): transA=1 and transB=1 with the data as B, then a Transpose back."""
    w, c = weights(5, 4), weights(4, 1)   # A stored [in, out]: transA=1 gives [out, in]
    x = RNG.standard_normal((3, 5)).astype(np.float32)
    z = w.T @ x.T + c                      # [4, N]
    hand("gemm_trans_both.onnx",
         [helper.make_node("Gemm", ["w", "x", "c"], ["z"], name="gemm", transA=1, transB=1),
          helper.make_node("Transpose", ["z"], ["t"], name="back", perm=[1, 0]),
          helper.make_node("Softmax", ["t"], ["y"], name="softmax", axis=1)],
         [tensor_info("x", ["N", 5])], [tensor_info("y", ["N", 4])],
         [initializer("w", w), initializer("c", c)],
         x, softmax(z.T), layers="5-4", activations=["softmax"])


def matmul_add_typed():
    """MatMul + Add, as Keras (tf2onnx) writes dense layers, with initializers as typed float_data."""
    w1, b1, w2, b2 = weights(4, 8), weights(8), weights(8, 3), weights(3)
    x = RNG.standard_normal((5, 4)).astype(np.float32)
    h = sigmoid(x @ w1 + b1)
    hand("matmul_add_typed.onnx",
         [helper.make_node("MatMul", ["x", "w1"], ["m1"], name="dense/MatMul"),
          helper.make_node("Add", ["m1", "b1"], ["z1"], name="dense/BiasAdd"),
          helper.make_node("Sigmoid", ["z1"], ["h"], name="dense/Sigmoid"),
          helper.make_node("MatMul", ["h", "w2"], ["m2"], name="dense_1/MatMul"),
          helper.make_node("Add", ["m2", "b2"], ["z2"], name="dense_1/BiasAdd"),
          helper.make_node("Softmax", ["z2"], ["y"], name="dense_1/Softmax")],
         [tensor_info("x", ["unk__6", 4])], [tensor_info("y", ["unk__7", 3])],
         [initializer("w1", w1, typed=True), initializer("b1", b1, typed=True), initializer("w2", w2, typed=True), initializer("b2", b2, typed=True)],
         x, softmax(h @ w2 + b2), layers="4-8-3", activations=["sigmoid", "softmax"])


def constants_and_passthrough():
    """Weights from Constant nodes (value, value_float, value_ints), Identity, Dropout (opset 13, ratio input), Flatten of [N, 2, 3], LeakyRelu's default alpha."""
    w1, b1, w2 = weights(4, 6), weights(4), weights(2, 4)
    x = RNG.standard_normal((3, 2, 3)).astype(np.float32)
    z = x.reshape(3, 6) @ w1.T + b1
    h = np.where(z > 0, z, 0.01 * z)
    hand("constants_passthrough.onnx",
         [helper.make_node("Constant", [], ["w1"], name="w1", value=numpy_helper.from_array(w1)),
          helper.make_node("Constant", [], ["b1"], name="b1", value=numpy_helper.from_array(b1)),
          helper.make_node("Constant", [], ["w2"], name="w2", value=numpy_helper.from_array(w2)),
          helper.make_node("Constant", [], ["ratio"], name="ratio", value_float=0.3),
          helper.make_node("Identity", ["x"], ["x1"], name="same"),
          helper.make_node("Flatten", ["x1"], ["f0"], name="flatten", axis=1),
          helper.make_node("Constant", [], ["same_shape"], name="same_shape", value_ints=[0, -1]),
          helper.make_node("Reshape", ["f0", "same_shape"], ["f"], name="view"),
          helper.make_node("Gemm", ["f", "w1", "b1"], ["z1"], name="fc1", transB=1),
          helper.make_node("LeakyRelu", ["z1"], ["h"], name="leaky"),
          helper.make_node("Dropout", ["h", "ratio"], ["d", "mask"], name="dropout"),
          helper.make_node("Gemm", ["d", "w2"], ["y"], name="fc2", transB=1)],
         [tensor_info("x", ["N", 2, 3])], [tensor_info("y", ["N", 2])], [],
         x, h @ w2.T, layers="6-4-2", activations=["leaky_relu", "linear"])


def reshape_constant():
    """Reshape with constant targets: [0, -1] (copy the batch) and [-1, 6]; Gemm without C, then Add."""
    w, b = weights(6, 3), weights(3)
    x = RNG.standard_normal((4, 3, 2)).astype(np.float32)
    hand("reshape_constant.onnx",
         [helper.make_node("Reshape", ["x", "s1"], ["r1"], name="copy_batch"),
          helper.make_node("Reshape", ["r1", "s2"], ["r2"], name="infer_batch"),
          helper.make_node("Gemm", ["r2", "w"], ["z"], name="no_bias"),
          helper.make_node("Add", ["z", "b"], ["y"], name="bias")],
         [tensor_info("x", ["N", 3, 2])], [tensor_info("y", ["N", 3])],
         [initializer("s1", np.array([0, -1], dtype=np.int64)), initializer("s2", np.array([-1, 6], dtype=np.int64), typed=True), initializer("w", w), initializer("b", b)],
         x, x.reshape(4, 6) @ w + b, layers="6-3", activations=["linear"])


def preprocessing_ops():
    """Sub, Mul, Div and Add by constants before the first layer: per channel on [N, C, H, W], a scalar, c - x."""
    mean = np.array([0.5, -1.0, 2.0], dtype=np.float32).reshape(1, 3, 1, 1)
    std = np.array([2.0, 0.5, 4.0], dtype=np.float32).reshape(1, 3, 1, 1)
    w, b = weights(2, 12), weights(2)
    x = (RNG.standard_normal((3, 3, 2, 2)) * 3).astype(np.float32)
    pre = 10.0 - ((x - mean) / std * np.float32(0.25) + np.float32(1.5))
    hand("preprocessing_ops.onnx",
         [helper.make_node("Sub", ["x", "mean"], ["p1"], name="minus_mean"),
          helper.make_node("Div", ["p1", "std"], ["p2"], name="over_std"),
          helper.make_node("Mul", ["quarter", "p2"], ["p3"], name="times_quarter"),
          helper.make_node("Add", ["p3", "one_and_half"], ["p4"], name="plus"),
          helper.make_node("Sub", ["ten", "p4"], ["p5"], name="ten_minus"),
          helper.make_node("Flatten", ["p5"], ["f"], name="flatten"),
          helper.make_node("Gemm", ["f", "w", "b"], ["y"], name="fc", transB=1)],
         [tensor_info("x", ["N", 3, 2, 2])], [tensor_info("y", ["N", 2])],
         [initializer("mean", mean), initializer("std", std), initializer("quarter", np.array(0.25, dtype=np.float32)),
          initializer("one_and_half", np.array([1.5], dtype=np.float32)), initializer("ten", np.array(10.0, dtype=np.float32)),
          initializer("w", w), initializer("b", b)],
         x, pre.reshape(3, 12) @ w.T + b, layers="12-2", activations=["linear"], preprocessing=True)


def shape_gather_opset9():
    """The x.view(x.size(0), -1) pattern written by hand for opset 9: Unsqueeze's axes as an attribute, Softmax's default axis."""
    w, b = weights(3, 8), weights(3)
    x = RNG.standard_normal((2, 2, 4)).astype(np.float32)
    hand("shape_gather_opset9.onnx",
         [helper.make_node("Shape", ["x"], ["shape"], name="shape"),
          helper.make_node("Constant", [], ["zero"], name="zero", value=numpy_helper.from_array(np.array(0, dtype=np.int64))),
          helper.make_node("Gather", ["shape", "zero"], ["n"], name="batch", axis=0),
          helper.make_node("Unsqueeze", ["n"], ["n1"], name="unsqueeze", axes=[0]),
          helper.make_node("Constant", [], ["minus_one"], name="minus_one", value=numpy_helper.from_array(np.array([-1], dtype=np.int64))),
          helper.make_node("Concat", ["n1", "minus_one"], ["target"], name="concat", axis=0),
          helper.make_node("Reshape", ["x", "target"], ["flat"], name="view"),
          helper.make_node("Gemm", ["flat", "w", "b"], ["z"], name="fc", transB=1),
          helper.make_node("Softmax", ["z"], ["y"], name="softmax")],
         [tensor_info("x", ["N", 2, 4])], [tensor_info("y", ["N", 3])],
         [initializer("w", w), initializer("b", b)],
         x, softmax(x.reshape(2, 8) @ w.T + b), opset=9, layers="8-3", activations=["softmax"])


def unfolded_constants():
    """Without constant folding: the weight transposed by a Transpose node, BatchNormalization of an [N, C, H, W] input."""
    wt, b = weights(3, 8), weights(3)       # stored [out, in]; MatMul needs [in, out]
    gamma, beta = np.array([1.5, 0.5], dtype=np.float32), np.array([0.1, -0.2], dtype=np.float32)
    mean, var = np.array([0.3, -0.4], dtype=np.float32), np.array([2.0, 0.25], dtype=np.float32)
    x = RNG.standard_normal((3, 2, 2, 2)).astype(np.float32)
    normed = (x - mean.reshape(1, 2, 1, 1)) / np.sqrt(var.reshape(1, 2, 1, 1) + 1e-3) * gamma.reshape(1, 2, 1, 1) + beta.reshape(1, 2, 1, 1)
    hand("unfolded_constants.onnx",
         [helper.make_node("BatchNormalization", ["x", "gamma", "beta", "mean", "var"], ["n"], name="input_norm", epsilon=1e-3),
          helper.make_node("Flatten", ["n"], ["f"], name="flatten"),
          helper.make_node("Transpose", ["wt"], ["w"], name="weight_t", perm=[1, 0]),
          helper.make_node("MatMul", ["f", "w"], ["m"], name="matmul"),
          helper.make_node("Add", ["m", "b"], ["y"], name="bias")],
         [tensor_info("x", ["N", 2, 2, 2])], [tensor_info("y", ["N", 3])],
         [initializer("wt", wt), initializer("b", b), initializer("gamma", gamma), initializer("beta", beta), initializer("mean", mean), initializer("var", var)],
         x, normed.reshape(3, 8) @ wt.T + b, layers="8-3", activations=["linear"], preprocessing=True)


# ---------------------------------------------------------------- unsupported and malformed

def small_gemm_graph(name, op_nodes=None, inits=None, x_shape=("N", 4), y_shape=("N", 3), opset=13, inputs=None):
    w, b = weights(3, 4), weights(3)
    nodes = op_nodes or [helper.make_node("Gemm", ["x", "w", "b"], ["y"], name="fc", transB=1)]
    return graph_model(name, nodes, inputs or [tensor_info("x", list(x_shape))], [tensor_info("y", list(y_shape))],
                       inits if inits is not None else [initializer("w", w), initializer("b", b)], opset)


def broken():
    save(graph_model("conv.onnx",
                     [helper.make_node("Conv", ["x", "k"], ["c"], name="conv1", kernel_shape=[3, 3]),
                      helper.make_node("Flatten", ["c"], ["f"], name="flatten"),
                      helper.make_node("Gemm", ["f", "w", "b"], ["y"], name="fc", transB=1)],
                     [tensor_info("x", ["N", 1, 5, 5])], [tensor_info("y", ["N", 3])],
                     [initializer("k", weights(2, 1, 3, 3)), initializer("w", weights(3, 18)), initializer("b", weights(3))]), "conv.onnx")
    save(small_gemm_graph("int64_weights.onnx", inits=[initializer("w", np.arange(12, dtype=np.int64).reshape(3, 4)), initializer("b", weights(3))]), "int64_weights.onnx")
    save(small_gemm_graph("double_weights.onnx", inits=[initializer("w", weights(3, 4).astype(np.float64), typed=True), initializer("b", weights(3))]), "double_weights.onnx")
    save(small_gemm_graph("shape_mismatch.onnx", inits=[initializer("w", weights(3, 5)), initializer("b", weights(3))]), "shape_mismatch.onnx")
    save(small_gemm_graph("output_mismatch.onnx", y_shape=("N", 4)), "output_mismatch.onnx")
    save(small_gemm_graph("residual.onnx", op_nodes=[
        helper.make_node("Gemm", ["x", "w", "b"], ["z"], name="fc", transB=1),
        helper.make_node("Relu", ["z"], ["h"], name="relu"),
        helper.make_node("Add", ["z", "h"], ["y"], name="skip")]), "residual.onnx")
    save(small_gemm_graph("softmax_not_last.onnx", op_nodes=[
        helper.make_node("Gemm", ["x", "w", "b"], ["z"], name="fc", transB=1),
        helper.make_node("Softmax", ["z"], ["p"], name="early_softmax", axis=1),
        helper.make_node("Gemm", ["p", "w2", "b"], ["y"], name="fc2", transB=1)],
        inits=[initializer("w", weights(3, 4)), initializer("w2", weights(3, 3)), initializer("b", weights(3))]), "softmax_not_last.onnx")
    save(small_gemm_graph("relu_first.onnx", op_nodes=[
        helper.make_node("Relu", ["x"], ["r"], name="input_relu"),
        helper.make_node("Gemm", ["r", "w", "b"], ["y"], name="fc", transB=1)]), "relu_first.onnx")
    save(small_gemm_graph("batch_mixing.onnx", op_nodes=[
        helper.make_node("Reshape", ["x", "s"], ["r"], name="bad_view"),
        helper.make_node("Gemm", ["r", "w", "b"], ["y"], name="fc", transB=1)],
        inits=[initializer("s", np.array([-1, 2], dtype=np.int64)), initializer("w", weights(3, 2)), initializer("b", weights(3))]), "batch_mixing.onnx")
    model = small_gemm_graph("custom_domain.onnx", op_nodes=[
        helper.make_node("FusedGemm", ["x", "w", "b"], ["y"], name="fused", domain="com.microsoft", transB=1)])
    model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    onnx.save(model, os.path.join(HERE, "custom_domain.onnx"))  # the checker does not know the operator
    save(small_gemm_graph("two_inputs.onnx", op_nodes=[
        helper.make_node("Add", ["x", "x2"], ["s"], name="sum"),
        helper.make_node("Gemm", ["s", "w", "b"], ["y"], name="fc", transB=1)],
        inputs=[tensor_info("x", ["N", 4]), tensor_info("x2", ["N", 4])]), "two_inputs.onnx")
    model = small_gemm_graph("external_data.onnx")
    w = model.graph.initializer[0]
    w.ClearField("raw_data")
    w.data_location = TensorProto.EXTERNAL
    entry = w.external_data.add()
    entry.key, entry.value = "location", "weights.bin"
    onnx.save(model, os.path.join(HERE, "external_data.onnx"))  # the checker would look for the file
    with open(os.path.join(HERE, "mnist_mlp.onnx"), "rb") as f:
        data = f.read()
    with open(os.path.join(HERE, "truncated.onnx"), "wb") as f:
        f.write(data[:len(data) // 2])


def main():
    print("torch", torch.__version__, "onnx", onnx.__version__, file=sys.stderr)
    mnist_mlp()
    digits_mlp()
    mpg_regression()
    flatten_tanh()
    fixed_batch()
    batchnorm_mlp()
    squeezed_regression()
    gemm_alpha_beta()
    gemm_data_as_b()
    gemm_trans_both()
    matmul_add_typed()
    constants_and_passthrough()
    reshape_constant()
    preprocessing_ops()
    shape_gather_opset9()
    unfolded_constants()
    broken()
    EXPECTED["_made_with"] = {"torch": torch.__version__, "onnx": onnx.__version__, "numpy": np.__version__}
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(EXPECTED, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
