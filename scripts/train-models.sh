#!/usr/bin/env bash
# Reproduces the shipped models in models/ (deterministic: same seeds, same results).
# The execution policies learn the whole task distribution (buy or sell, 1-25% of the
# expected volume, 5-120 minutes, every regime); docs/ml.md gives the time each takes.
# Run after building (scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
tasks=(--sides buy,sell --size 0.01,0.25 --horizon 300,7200 --actions schedule_multiples --task-features 1)
build/app/helmsman-train --algorithm ppo --steps 6000000 --envs 16 --hidden 64 --layers 2 --seed 1 "${tasks[@]}" \
  --eval-every 1000000 --eval-episodes 64 --out models/ppo-execution.pt "$@"
# Double DQN is unstable on this distribution (its evaluation swings by tens of bps
# between checkpoints): it keeps the network that evaluated best.
build/app/helmsman-train --algorithm ddqn --steps 1000000 --envs 16 --hidden 64 --layers 2 --seed 1 "${tasks[@]}" \
  --lr 1e-4 --eval-every 100000 --eval-episodes 256 --keep-best --out models/ddqn-execution.pt "$@"
build/app/helmsman-regime --train-days 20 --test-days 10 --iterations 0 --out models/regime-hmm.json
build/app/helmsman-signal --train-days 6 --test-days 3 --out models/signal
