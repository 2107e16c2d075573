#!/usr/bin/env python3
"""Tables for docs/pruning.md from the logs of benchmarks/pruning/run.sh.

    python3 benchmarks/pruning/summarise.py [OUT]     # OUT: run.sh's output directory

For every run: the validation accuracy of its last epoch (what choices are made on) and the test
accuracy (reported, never used to choose). Runs named NAME-seedS are also averaged over seeds.
"""
import json
import os
import re
import sys
from collections import defaultdict

out = sys.argv[1] if len(sys.argv) > 1 else "benchmarks/pruning/out"


def last_validation(log):
    found = re.findall(r"validation accuracy ([0-9.]+)", open(log).read())
    return float(found[-1]) if found else float("nan")


rows = {}
for name in sorted(os.listdir(out)):
    if not name.endswith(".json") or name.endswith(".model.json") or name.startswith("dense-"):
        continue
    run = name[:-5]
    try:
        report = json.load(open(os.path.join(out, name)))
    except (ValueError, OSError):
        continue
    after = report.get("after", report)  # prune reports before/after; train --prune-to only its result
    rows[run] = (last_validation(os.path.join(out, run + ".log")), after["accuracy"], report["sparsity"], report.get("nonzeroWeights"),
                 report.get("pruned", {}).get("accuracy", float("nan")))

dense = {}
for seed in (1, 2, 3):
    log = os.path.join(out, f"dense-{seed}.log")
    if os.path.exists(log):
        text = open(log).read()
        dense[seed] = (last_validation(log), float(re.findall(r"test accuracy ([0-9.]+)", text)[-1]))
if dense:
    print("dense: " + ", ".join(f"seed {s}: validation {v:.4f} test {t:.4f}" for s, (v, t) in dense.items())
          + f"; mean test {sum(t for _, t in dense.values()) / len(dense):.4f}")

print(f"{'run':60} {'validation':>10} {'test':>7} {'sparsity':>8}")
for run, (validation, test, sparsity, *_) in rows.items():
    print(f"{run:60} {validation:10.4f} {test:7.4f} {sparsity:8.4f}")

groups = defaultdict(list)
for run, values in rows.items():
    m = re.match(r"(.*)-seed(\d+)$", run)
    if m:
        groups[m.group(1)].append(values)
if groups:
    print()
    print(f"{'mean over seeds':60} {'validation':>10} {'test':>7} {'n':>3}")
    for run, values in groups.items():
        n = len(values)
        print(f"{run:60} {sum(v[0] for v in values) / n:10.4f} {sum(v[1] for v in values) / n:7.4f} {n:3}")


# Markdown tables for docs/pruning.md: means over the seeds that have finished (n says how many).
def mean_of(prefix):
    values = [v for run, v in rows.items() if re.fullmatch(re.escape(prefix) + r"-seed\d+", run)]
    if not values:
        return None
    n = len(values)
    return (sum(v[0] for v in values) / n, sum(v[1] for v in values) / n, n,
            min(v[1] for v in values), max(v[1] for v in values))


def cell(prefix):
    m = mean_of(prefix)
    return "–" if m is None else f"{m[1]:.3f}" + ("" if m[2] == 3 else f" (n={m[2]})")


print()
print("| method (after the 10 dense epochs) | 90% | 95% | 98% |")
print("|---|---|---|---|")
for label, prefix in [("Prunet one-shot + 3 fine-tune epochs (Adam lr 5e-4, like the PyTorch baseline)", "base-e3"),
                      ("Prunet gradual cubic, ramp over epoch 1 of 3, cosine lr 4e-3", "final-e3"),
                      ("Prunet gradual cubic over 10 epochs (recipe in the text)", "final-e10")]:
    print(f"| {label} | " + " | ".join(cell(f"{prefix}-s{s}") for s in ("0.9", "0.95", "0.98")) + " |")

print()
print("| pruned while training from scratch, 10 epochs in all (train --prune-to) | " + " | ".join(cell(f"during-s{s}") for s in ("0.9", "0.95")) + " |")
print()
print("| granularity (same recipes) | 90% | 95% |")
print("|---|---|---|")
for label, prefix in [("element, 3 epochs", "final-e3"), ("block of 8 outputs, 3 epochs", "block-e3"),
                      ("element, 10 epochs", "final-e10"), ("block of 8 outputs, 10 epochs", "block-e10")]:
    print(f"| {label} | " + " | ".join(cell(f"{prefix}-s{s}") for s in ("0.9", "0.95")) + " |")

print()
print("| criterion | neurons removed | right after removal | after 10 fine-tuning epochs (mean) | min–max | validation |")
print("|---|---|---|---|---|---|")
for f, shape in (("0.7", "784-90-30-10"), ("0.8", "784-60-20-10"), ("0.9", "784-30-10-10")):
    for c in ("apoz", "mean-activation", "l1", "l2"):
        prefix = f"neuron-{c}-f{f}"
        m = mean_of(prefix)
        if m:
            runs = [v for run, v in rows.items() if re.fullmatch(re.escape(prefix) + r"-seed\d+", run)]
            pruned = sum(v[4] for v in runs) / len(runs)
            print(f"| {c} | {float(f):.0%} ({shape}) | {pruned:.4f} | {m[1]:.4f}" + ("" if m[2] == 3 else f" (n={m[2]})") + f" | {m[3]:.4f}–{m[4]:.4f} | {m[0]:.4f} |")
