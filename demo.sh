#!/usr/bin/env bash
# The whole Prunet flow on the bundled digits data, from a fresh clone:
#   train a 64-32-10 network -> prune 80% of its weights with fine-tuning -> inspect the model ->
#   compile it to C# with the source generator (samples/Digits) -> run it against the interpreter.
set -euo pipefail
cd "$(dirname "$0")"
out="$PWD/artifacts/demo"
mkdir -p "$out"

echo "== building the prunet command line"
dotnet build -c Release -v quiet -nologo src/Trainer/Prunet.Cli
prunet() { dotnet run -c Release --no-build --project src/Trainer/Prunet.Cli -- "$@"; }

echo; echo "== prunet train: 64-32-10 ReLU on the bundled digits (8x8 images, 10 classes)"
prunet train --data digits --hidden 32 --lr 0.003 --epochs 60 -o "$out/digits.dense.json"

echo; echo "== prunet prune: remove 80% of the weights (global magnitude), fine-tune 20 epochs with the mask held"
prunet prune --model "$out/digits.dense.json" --data digits --sparsity 0.8 --finetune-epochs 20 --lr 0.003 -o "$out/digits.model.json"

echo; echo "== prunet inspect"
prunet inspect "$out/digits.model.json"

echo; echo "== samples/Digits: the source generator compiles digits.model.json into DigitsNet at build time"
dotnet run -c Release --project samples/Digits -p:DigitsModel="$out/digits.model.json"
echo
echo "The generated C# is in samples/Digits/obj/generated/; the model file is $out/digits.model.json."
