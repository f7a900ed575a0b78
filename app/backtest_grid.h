#pragma once
// helmsman-backtest --grid: every strategy on the evaluation grid of core/exec/grid.h
// (side x size x horizon x starting regime, paired held-out seeds per cell), against
// the best classic baseline of each cell; writes grid.csv, grid-episodes.csv, grid.md,
// grid-heatmap.png and grid-costs.png. Options on the command line or in a JSON file
// (--grid-config); the command line wins.
#include "exec/grid.h"

#include <string>

namespace hm {

using ProgressBar = void (*)(const char* label, int done, int total);

// True when the arguments ask for the grid (--grid or --grid-config).
bool isGridMode(int argc, char** argv);
// The grid mode's whole run: parse, calibrate, run, write. Returns the exit status.
int runBacktestGrid(int argc, char** argv, ProgressBar bar);

// The strategy the heat map shows: `requested` (name or key, any case) if given, else
// the first learned model, else the non-classic strategy with the lowest mean
// shortfall, else the first. -1 when `requested` names none.
int gridFocus(const GridResult& r, const std::string& requested);
// Writes the grid's files into dir; returns "" or what could not be written.
std::string writeGridFiles(const GridResult& r, const Backtest& calibrated, const std::string& dir, int focus,
                           const std::string& command);
// The readable report (grid.md's text).
std::string gridMarkdown(const GridResult& r, const Backtest& calibrated, int focus, const std::string& command);

} // namespace hm
