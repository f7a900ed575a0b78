#include "exec/statistics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace hm {

namespace {
constexpr double kZ = 1.959963984540054;

double sd(const std::vector<double>& x) { return sampleSd(x); }
} // namespace

double mean(const std::vector<double>& x) { return x.empty() ? 0 : std::accumulate(x.begin(), x.end(), 0.0) / x.size(); }

double sampleSd(const std::vector<double>& x)
{
    if (x.size() < 2)
        return 0;
    const double m = mean(x);
    double s = 0;
    for (double v : x)
        s += (v - m) * (v - m);
    return std::sqrt(s / (x.size() - 1));
}

double quantile(std::vector<double> x, double q)
{
    if (x.empty())
        return 0;
    std::sort(x.begin(), x.end());
    const double pos = q * (x.size() - 1);
    const std::size_t i = static_cast<std::size_t>(pos);
    const double f = pos - i;
    return i + 1 < x.size() ? x[i] * (1 - f) + x[i + 1] * f : x[i];
}

Interval meanInterval(const std::vector<double>& x)
{
    const double m = mean(x), half = x.size() > 1 ? kZ * sd(x) / std::sqrt(static_cast<double>(x.size())) : 0;
    return {m, m - half, m + half};
}

Interval medianInterval(const std::vector<double>& x)
{
    if (x.empty())
        return {};
    std::vector<double> s(x);
    std::sort(s.begin(), s.end());
    const double n = static_cast<double>(s.size());
    const double half = kZ * std::sqrt(n) / 2;
    const auto at = [&](double rank) {
        const long i = std::clamp(static_cast<long>(std::lround(rank)), 1L, static_cast<long>(s.size()));
        return s[static_cast<std::size_t>(i - 1)];
    };
    return {quantile(s, 0.5), at(n / 2 - half), at(n / 2 + half + 1)};
}

Interval sdInterval(const std::vector<double>& x)
{
    const double s = sd(x);
    const double half = x.size() > 2 ? kZ * s / std::sqrt(2.0 * (x.size() - 1)) : 0;
    return {s, s - half, s + half};
}

Interval shareInterval(int k, int n)
{
    if (n <= 0)
        return {};
    const double p = static_cast<double>(k) / n, z2 = kZ * kZ;
    const double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    const double half = kZ * std::sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
    return {p, centre - half, centre + half};
}

WilcoxonResult wilcoxonSignedRank(const std::vector<double>& a, const std::vector<double>& b)
{
    WilcoxonResult r;
    std::vector<std::pair<double, int>> d; // |difference|, sign
    for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
        const double diff = a[i] - b[i];
        if (std::fabs(diff) > 1e-12)
            d.emplace_back(std::fabs(diff), diff > 0 ? 1 : -1);
    }
    r.n = static_cast<int>(d.size());
    if (r.n == 0)
        return r;
    std::sort(d.begin(), d.end());
    double tieTerm = 0;
    for (std::size_t i = 0; i < d.size();) {
        std::size_t j = i;
        while (j < d.size() && std::fabs(d[j].first - d[i].first) <= 1e-12)
            ++j;
        const double rank = (i + 1 + j) / 2.0; // average rank of the tie group
        const double t = static_cast<double>(j - i);
        tieTerm += t * t * t - t;
        for (std::size_t k = i; k < j; ++k)
            if (d[k].second > 0)
                r.w += rank;
        i = j;
    }
    const double n = r.n;
    const double mu = n * (n + 1) / 4;
    const double var = n * (n + 1) * (2 * n + 1) / 24 - tieTerm / 48;
    r.z = var > 0 ? (r.w - mu - (r.w > mu ? 0.5 : r.w < mu ? -0.5 : 0)) / std::sqrt(var) : 0; // continuity correction
    r.pTwoSided = std::erfc(std::fabs(r.z) / std::sqrt(2.0));
    return r;
}

} // namespace hm
