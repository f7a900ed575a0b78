#pragma once
// What helmsman-backtest writes: the console table, CSV (episodes and summary), JSON,
// and PNG charts (cost distribution per strategy; average execution trajectory against
// the Almgren-Chriss trajectory). Charts are drawn with QPainter, no display needed.
#include "exec/backtest.h"

#include <ostream>
#include <string>
#include <vector>

namespace hm {

struct SizeSweepRow {
    double sizeFraction = 0;
    std::vector<std::pair<std::string, Interval>> meanShortfall; // per strategy
};

struct BacktestReport {
    const Backtest* backtest = nullptr;
    std::vector<EpisodeResult> episodes;
    std::vector<StrategySummary> summary;
    std::vector<SizeSweepRow> sweep;
    double seconds = 0;
};

void printTable(const BacktestReport& r, std::ostream& out);
// Writes episodes.csv, summary.csv, report.json, costs.png, trajectory.png into dir.
// Returns "" or what could not be written.
std::string writeReportFiles(const BacktestReport& r, const std::string& dir);

} // namespace hm
