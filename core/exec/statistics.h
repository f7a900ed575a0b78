#pragma once
// The statistics the backtest reports: means and medians with 95% intervals, shares
// with Wilson intervals, and the paired Wilcoxon signed-rank test.
#include <vector>

namespace hm {

struct Interval {
    double value = 0, low = 0, high = 0;
};

double mean(const std::vector<double>& x);     // 0 when empty
double sampleSd(const std::vector<double>& x); // n - 1 in the denominator; 0 below two values
Interval meanInterval(const std::vector<double>& x);   // normal approximation
Interval medianInterval(const std::vector<double>& x); // distribution-free, from order statistics
Interval sdInterval(const std::vector<double>& x);     // normal approximation of the sd's error
Interval shareInterval(int successes, int n);          // Wilson score interval
double quantile(std::vector<double> x, double q);

struct WilcoxonResult {
    int n = 0;          // pairs with a non-zero difference
    double w = 0;       // sum of ranks of positive differences (a - b > 0)
    double z = 0;
    double pTwoSided = 1;
};
// Paired test of a against b (normal approximation with tie correction; n >= 20 or so).
WilcoxonResult wilcoxonSignedRank(const std::vector<double>& a, const std::vector<double>& b);

} // namespace hm
