#!/usr/bin/env python3
"""Reference timing for docs/performance.md: the 784-300-100-10 ReLU MLP on Fashion-MNIST in PyTorch.

Same network, optimiser (Adam, lr 1e-3), batch (128) and epochs (10) as
`prunet train --data /usr/share/datasets/fashion-mnist --hidden 300,100 --batch 128 --epochs 10`.
Needs Debian's python3-torch (and libopenblas0-pthread for a fast BLAS) and dataset-fashion-mnist.

    /usr/bin/python3 benchmarks/pytorch/fashion_mlp.py --threads 1
"""
import argparse
import gzip
import struct
import time

import numpy as np
import torch


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    x_train = read_idx(f"{args.data}/train-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32)
    y_train = read_idx(f"{args.data}/train-labels-idx1-ubyte.gz").astype(np.int64)
    x_test = read_idx(f"{args.data}/t10k-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32)
    y_test = read_idx(f"{args.data}/t10k-labels-idx1-ubyte.gz").astype(np.int64)

    # Per-feature standardisation from the training rows, as prunet's preprocessing does.
    mean = x_train.mean(axis=0)
    std = x_train.std(axis=0)
    std[std == 0] = 1
    x_train = torch.from_numpy((x_train - mean) / std)
    x_test = torch.from_numpy((x_test - mean) / std)
    y_train = torch.from_numpy(y_train)
    y_test = torch.from_numpy(y_test)

    model = torch.nn.Sequential(
        torch.nn.Linear(784, 300), torch.nn.ReLU(),
        torch.nn.Linear(300, 100), torch.nn.ReLU(),
        torch.nn.Linear(100, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()

    # Debian's torch calls the system BLAS: `update-alternatives --display libblas.so.3-x86_64-linux-gnu` tells which.
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s)")
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        permutation = torch.randperm(len(x_train))
        model.train()
        for i in range(0, len(x_train), 128):
            batch = permutation[i:i + 128]
            optimizer.zero_grad()
            loss = loss_fn(model(x_train[batch]), y_train[batch])
            loss.backward()
            optimizer.step()
        seconds = time.perf_counter() - start
        model.eval()
        with torch.no_grad():
            accuracy = (model(x_test).argmax(dim=1) == y_test).float().mean().item()
        print(f"epoch {epoch:2d}  {seconds:.2f} s  test accuracy {accuracy:.4f}")


if __name__ == "__main__":
    main()
