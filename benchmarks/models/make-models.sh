#!/bin/sh
# Makes the benchmark models with the repository's own command line, from the repository root:
#   sudo apt-get install -y dataset-fashion-mnist
#   benchmarks/models/make-models.sh
# Fashion-MNIST 784-300-100-10 ReLU: dense, then magnitude-pruned per layer to 90% and 95% with
# fine-tuning, and pruned in blocks of 8 outputs to 90% (prune --granularity block) with
# fine-tuning; 64-32-10 dense on the bundled digits; 8-10-1 on the bundled auto-mpg (regression).
set -eu
cd "$(dirname "$0")"
FASHION=/usr/share/datasets/fashion-mnist
prunet() { dotnet run -c Release --project ../../src/Trainer/Prunet.Cli -- "$@"; }

prunet train --data $FASHION --hidden 300,100 --batch 128 --epochs 8 --validation-fraction 0 --seed 1 -o /tmp/fashion-dense.model.json
prunet prune --model /tmp/fashion-dense.model.json --data $FASHION --sparsity 0.9 --scope layer --finetune-epochs 3 --batch 128 --validation-fraction 0 -o fashion-90.model.json
prunet prune --model /tmp/fashion-dense.model.json --data $FASHION --sparsity 0.95 --scope layer --finetune-epochs 3 --batch 128 --validation-fraction 0 -o fashion-95.model.json
prunet prune --model /tmp/fashion-dense.model.json --data $FASHION --sparsity 0.9 --scope layer --granularity block --block 8 --finetune-epochs 3 --batch 128 --validation-fraction 0 -o fashion-block-90.model.json
prunet train --data digits --hidden 32 --epochs 60 --seed 1 -o digits-dense.model.json
prunet train --data auto-mpg --hidden 10 --epochs 200 --seed 1 -o mpg.model.json
