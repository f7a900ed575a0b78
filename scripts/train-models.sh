#!/usr/bin/env bash
# Reproduces the shipped models in models/ (deterministic: same seeds, same results;
# about 4 minutes per model on 2 cores). Run after building (scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
build/app/helmsman-train --algorithm ppo --steps 1000000 --envs 8 --hidden 64 --layers 2 --seed 1 \
  --eval-every 100000 --eval-episodes 64 --out models/ppo-execution.pt "$@"
build/app/helmsman-train --algorithm ddqn --steps 500000 --envs 8 --hidden 64 --layers 2 --seed 1 \
  --eval-every 100000 --eval-episodes 64 --out models/ddqn-execution.pt "$@"
build/app/helmsman-regime --train-days 20 --test-days 10 --iterations 0 --out models/regime-hmm.json
build/app/helmsman-signal --train-days 6 --test-days 3 --out models/signal
