#!/bin/bash
# Fashion-MNIST pruning experiments behind docs/pruning.md. Runs one stage at a time, sequentially
# (the machine is shared), logging every run under $OUT; summarise.py turns the logs into tables.
#
#   sudo apt-get install -y dataset-fashion-mnist
#   benchmarks/pruning/run.sh dense        # the 3 dense reference models (seeds 1-3)
#   benchmarks/pruning/run.sh select       # choices, on the validation split of seed 1 only;
#   benchmarks/pruning/run.sh select2      #   four rounds, each informed by the last
#   benchmarks/pruning/run.sh select3
#   benchmarks/pruning/run.sh select4
#   benchmarks/pruning/run.sh final3       # the chosen 3-epoch recipe and a one-shot baseline, seeds 1-3
#   benchmarks/pruning/run.sh block        # blocks of 8 against single weights
#   benchmarks/pruning/run.sh block10      #   and with the 10-epoch recipe
#   benchmarks/pruning/run.sh neuron       # neuron pruning, every criterion
#   benchmarks/pruning/run.sh neuron2      # more neurons removed
#   benchmarks/pruning/run.sh compose      # neurons, then blocks of what remains
#   benchmarks/pruning/run.sh during       # train --prune-to: pruning while training from scratch
#   benchmarks/pruning/run.sh sweep        # the charts
#   benchmarks/pruning/run.sh final10      # the chosen 10-epoch recipe, seeds 1-3
#   python3 benchmarks/pruning/summarise.py $OUT
#
# PRUNET (default: the CLI built from this checkout) and OUT (default: benchmarks/pruning/out) may be set.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-benchmarks/pruning/out}
DATA=${DATA:-/usr/share/datasets/fashion-mnist}
if [ -z "${PRUNET:-}" ]; then
  dotnet build src/Trainer/Prunet.Cli -c Release -o "$OUT/bin" > "$OUT.build.log" 2>&1 || { mkdir -p "$OUT"; dotnet build src/Trainer/Prunet.Cli -c Release -o "$OUT/bin"; }
  PRUNET="dotnet $OUT/bin/prunet.dll"
fi
mkdir -p "$OUT"

# The recipes chosen on the validation rows of seed 1 (stages select to select4; docs/pruning.md).
R3=(--schedule gradual --end-step 422 --lr 4e-3 --lr-schedule cosine)   # ramp over the first of 3 epochs
R10=(--schedule gradual --end-step 2110 --lr 2e-3 --lr-schedule cosine)  # ramp over the first half of 10 epochs

# run NAME ARGS...: one prune run from the dense model of the seed in $SEED, skipped when already done.
run() {
  local name=$1; shift
  [ -s "$OUT/$name.json" ] && return 0
  echo "$(date -u +%H:%M:%S) $name"
  $PRUNET prune --model "$OUT/dense-$SEED.json" --data "$DATA" --batch 128 --seed "$SEED" --json "$@" -o "$OUT/$name.model.json" > "$OUT/$name.json.tmp" 2> "$OUT/$name.log"
  mv "$OUT/$name.json.tmp" "$OUT/$name.json"
}

stage=${1:?usage: run.sh dense|select|select2|select3|select4|final3|block|block10|neuron|neuron2|compose|during|sweep|final10}
case $stage in
dense)
  for SEED in 1 2 3; do
    [ -s "$OUT/dense-$SEED.json" ] && continue
    $PRUNET train --data "$DATA" --hidden 300,100 --batch 128 --epochs 10 --seed $SEED -o "$OUT/dense-$SEED.json" > "$OUT/dense-$SEED.log" 2>&1
  done ;;
select)
  # First round: one-shot against gradual (ending at the last epoch), learning rates, scope.
  SEED=1
  for s in 0.9 0.95; do
    for e in 3 10; do
      last=$(( (e - 1) * 422 ))  # the first step of the last epoch: the default end step when these ran
      run "sel-e$e-s$s-oneshot-lr5e-4" --sparsity $s --finetune-epochs $e --lr 5e-4
      run "sel-e$e-s$s-oneshot-lr1e-3-cos" --sparsity $s --finetune-epochs $e --lr 1e-3 --lr-schedule cosine
      run "sel-e$e-s$s-gradual-lr5e-4" --sparsity $s --finetune-epochs $e --lr 5e-4 --schedule gradual --end-step $last
      run "sel-e$e-s$s-gradual-lr5e-4-cos" --sparsity $s --finetune-epochs $e --lr 5e-4 --schedule gradual --end-step $last --lr-schedule cosine
      run "sel-e$e-s$s-gradual-lr1e-3-cos" --sparsity $s --finetune-epochs $e --lr 1e-3 --schedule gradual --end-step $last --lr-schedule cosine
      run "sel-e$e-s$s-gradual-lr2e-3-cos" --sparsity $s --finetune-epochs $e --lr 2e-3 --schedule gradual --end-step $last --lr-schedule cosine
      [ "$e-$s" = "10-0.95" ] && continue # cut short: layer scope and iterative had lost everywhere else
      run "sel-e$e-s$s-gradual-lr1e-3-cos-layer" --sparsity $s --finetune-epochs $e --lr 1e-3 --schedule gradual --end-step $last --lr-schedule cosine --scope layer
      run "sel-e$e-s$s-iterative-lr1e-3-cos" --sparsity $s --finetune-epochs $e --lr 1e-3 --schedule iterative --end-step $last --lr-schedule cosine
    done
  done ;;
select2)
  # Second round, after select: where the schedule ends (steps: 422 per epoch at batch 128), and 98%.
  SEED=1
  for s in 0.95 0.98; do
    run "sel-e3-s$s-gradual-end422-lr5e-4" --sparsity $s --finetune-epochs 3 --lr 5e-4 --schedule gradual --end-step 422
    run "sel-e3-s$s-gradual-end422-lr1e-3-cos" --sparsity $s --finetune-epochs 3 --lr 1e-3 --schedule gradual --end-step 422 --lr-schedule cosine
    run "sel-e3-s$s-gradual-end422-lr2e-3-cos" --sparsity $s --finetune-epochs 3 --lr 2e-3 --schedule gradual --end-step 422 --lr-schedule cosine
  done
  run "sel-e3-s0.98-oneshot-lr5e-4" --sparsity 0.98 --finetune-epochs 3 --lr 5e-4
  run "sel-e3-s0.98-oneshot-lr1e-3-cos" --sparsity 0.98 --finetune-epochs 3 --lr 1e-3 --lr-schedule cosine
  run "sel-e3-s0.98-gradual-lr5e-4" --sparsity 0.98 --finetune-epochs 3 --lr 5e-4 --schedule gradual --end-step 844
  run "sel-e3-s0.98-gradual-lr2e-3-cos" --sparsity 0.98 --finetune-epochs 3 --lr 2e-3 --schedule gradual --end-step 844 --lr-schedule cosine
  for s in 0.95 0.98; do
    run "sel-e10-s$s-gradual-end2110-lr1e-3-cos" --sparsity $s --finetune-epochs 10 --lr 1e-3 --schedule gradual --end-step 2110 --lr-schedule cosine
    run "sel-e10-s$s-gradual-end2110-lr5e-4" --sparsity $s --finetune-epochs 10 --lr 5e-4 --schedule gradual --end-step 2110
  done
  run "sel-e10-s0.98-gradual-lr5e-4" --sparsity 0.98 --finetune-epochs 10 --lr 5e-4 --schedule gradual --end-step 3798
  run "sel-e10-s0.98-gradual-lr1e-3-cos" --sparsity 0.98 --finetune-epochs 10 --lr 1e-3 --schedule gradual --end-step 3798 --lr-schedule cosine
  ;;
select3)
  # Third round: a higher learning rate, and an even shorter ramp.
  SEED=1
  run "sel-e3-s0.9-gradual-end422-lr2e-3-cos" --sparsity 0.9 --finetune-epochs 3 --lr 2e-3 --schedule gradual --end-step 422 --lr-schedule cosine
  for s in 0.9 0.95 0.98; do
    run "sel-e3-s$s-gradual-end422-lr4e-3-cos" --sparsity $s --finetune-epochs 3 --lr 4e-3 --schedule gradual --end-step 422 --lr-schedule cosine
  done
  for s in 0.95 0.98; do
    run "sel-e3-s$s-gradual-end211-lr2e-3-cos" --sparsity $s --finetune-epochs 3 --lr 2e-3 --schedule gradual --end-step 211 --lr-schedule cosine
  done
  for s in 0.9 0.95 0.98; do
    run "sel-e10-s$s-gradual-end2110-lr2e-3-cos" --sparsity $s --finetune-epochs 10 --lr 2e-3 --schedule gradual --end-step 2110 --lr-schedule cosine
  done
  ;;
select4)
  # Fourth round: the 10-epoch ramp over the first third of the run (1,266 steps).
  SEED=1
  for s in 0.95 0.98; do
    run "sel-e10-s$s-gradual-end1266-lr1e-3-cos" --sparsity $s --finetune-epochs 10 --lr 1e-3 --schedule gradual --end-step 1266 --lr-schedule cosine
    run "sel-e10-s$s-gradual-end1266-lr2e-3-cos" --sparsity $s --finetune-epochs 10 --lr 2e-3 --schedule gradual --end-step 1266 --lr-schedule cosine
  done
  ;;
final3)
  # The 3-epoch budget: the recipe chosen on seed 1's validation rows, and a one-shot baseline like PyTorch's.
  for SEED in 1 2 3; do
    for s in 0.9 0.95 0.98; do
      run "final-e3-s$s-seed$SEED" --sparsity $s --finetune-epochs 3 "${R3[@]}"
      run "base-e3-s$s-seed$SEED" --sparsity $s --finetune-epochs 3 --lr 5e-4
    done
  done ;;
block)
  # Blocks of 8 against single weights (final-e3-*), same recipe.
  for SEED in 1 2 3; do
    for s in 0.9 0.95; do
      run "block-e3-s$s-seed$SEED" --sparsity $s --finetune-epochs 3 "${R3[@]}" --granularity block
    done
  done ;;
block10)
  # The same with the 10-epoch recipe (final-e10-* are the element-wise runs).
  for SEED in 1 2 3; do
    for s in 0.9 0.95; do
      run "block-e10-s$s-seed$SEED" --sparsity $s --finetune-epochs 10 "${R10[@]}" --granularity block
    done
  done ;;
neuron)
  # 70% of the hidden neurons (300→90, 100→30), each criterion, 10 fine-tuning epochs.
  for SEED in 1 2 3; do
    for c in apoz mean-activation l1 l2; do
      run "neuron-$c-f0.7-seed$SEED" --method neuron --criterion $c --fraction 0.7 --finetune-epochs 10 --lr 1e-3 --lr-schedule cosine
    done
  done ;;
neuron2)
  # Further: 80% and 90% of the hidden neurons.
  for SEED in 1 2 3; do
    for f in 0.8 0.9; do
      for c in apoz l2; do
        run "neuron-$c-f$f-seed$SEED" --method neuron --criterion $c --fraction $f --finetune-epochs 10 --lr 1e-3 --lr-schedule cosine
      done
    done
  done ;;
compose)
  # Neuron pruning, then blocks of 8 of what remains: from the neuron stage's apoz models.
  for SEED in 1 2 3; do
    name="compose-apoz0.7-block0.8-seed$SEED"
    [ -s "$OUT/$name.json" ] && continue
    echo "$(date -u +%H:%M:%S) $name"
    $PRUNET prune --model "$OUT/neuron-apoz-f0.7-seed$SEED.model.json" --data "$DATA" --batch 128 --seed "$SEED" --json \
        --sparsity 0.8 --granularity block --finetune-epochs 3 "${R3[@]}" -o "$OUT/$name.model.json" > "$OUT/$name.json.tmp" 2> "$OUT/$name.log"
    mv "$OUT/$name.json.tmp" "$OUT/$name.json"
  done ;;
during)
  # Pruning while training from scratch (train --prune-to), 10 epochs in all: no dense phase first.
  for SEED in 1 2 3; do
    for s in 0.9 0.95; do
      name="during-s$s-seed$SEED"
      [ -s "$OUT/$name.json" ] && continue
      echo "$(date -u +%H:%M:%S) $name"
      $PRUNET train --data "$DATA" --hidden 300,100 --batch 128 --epochs 10 --seed $SEED --prune-to $s --json \
          -o "$OUT/$name.model.json" > "$OUT/$name.json.tmp" 2> "$OUT/$name.log"
      mv "$OUT/$name.json.tmp" "$OUT/$name.json"
    done
  done ;;
final10)
  for SEED in 1 2 3; do
    for s in 0.9 0.95 0.98; do
      run "final-e10-s$s-seed$SEED" --sparsity $s --finetune-epochs 10 "${R10[@]}"
    done
  done ;;
sweep)
  # The charts of docs/pruning.md: seed 2's dense model, the 3-epoch recipe.
  [ -s "$OUT/sweep/sweep.csv" ] || $PRUNET sweep --model "$OUT/dense-2.json" --data "$DATA" --sparsities 0.5,0.8,0.9,0.95,0.98 \
      --batch 128 --seed 2 --finetune-epochs 3 "${R3[@]}" -o "$OUT/sweep" > "$OUT/sweep.log" 2>&1 ;;
*) echo "unknown stage $stage" >&2; exit 2 ;;
esac
