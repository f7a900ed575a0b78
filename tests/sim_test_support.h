#pragma once
// Statistics the simulator's stylized-fact tests share.
#include <cmath>
#include <cstddef>
#include <numeric>
#include <vector>

namespace hm {
namespace test {

inline double mean(const std::vector<double>& x)
{
    return x.empty() ? 0.0 : std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
}

inline double excessKurtosis(const std::vector<double>& x)
{
    const double n = static_cast<double>(x.size());
    const double m = mean(x);
    double m2 = 0, m4 = 0;
    for (double v : x) {
        const double d = v - m;
        m2 += d * d;
        m4 += d * d * d * d;
    }
    m2 /= n;
    m4 /= n;
    return m4 / (m2 * m2) - 3.0;
}

inline double autocorrelation(const std::vector<double>& x, std::size_t lag)
{
    const double m = mean(x);
    double num = 0, den = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        den += (x[i] - m) * (x[i] - m);
        if (i + lag < x.size())
            num += (x[i] - m) * (x[i + lag] - m);
    }
    return num / den;
}

// Pearson correlation of the common length of a and b.
inline double correlation(const std::vector<double>& a, const std::vector<double>& b)
{
    const std::size_t n = std::min(a.size(), b.size());
    if (n < 2)
        return 0;
    const std::vector<double> x(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(n));
    const std::vector<double> y(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n));
    const double mx = mean(x), my = mean(y);
    double sxy = 0, sxx = 0, syy = 0;
    for (std::size_t i = 0; i < n; ++i) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : 0.0;
}

} // namespace test
} // namespace hm
