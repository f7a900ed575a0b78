#pragma once
// helmsman-backtest --tune: the placement grid per algorithm family on training seeds,
// written as resources/exec/tuned-placement.json.
namespace hm {
int backtestTune(int argc, char** argv); // argv[0] is "--tune"
}
