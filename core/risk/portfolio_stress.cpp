#include "risk/portfolio_stress.h"

#include <cstdio>

namespace hm {

namespace {

std::string percent(double fraction)
{
    char b[32];
    std::snprintf(b, sizeof b, "%+g%%", 100.0 * fraction);
    return b;
}

} // namespace

std::vector<StressOutcome> standardStress(const PortfolioRisk& risk, const std::vector<double>& exposure,
                                          const StressSettings& s)
{
    std::vector<StressOutcome> out;
    const double esNow = risk.figures(exposure, RiskMethod::Parametric).es;
    // size() as the market's index: the equal-weighted market of every name.
    out.push_back({"market", "market " + percent(s.marketMove) + " in a minute",
                   risk.marketMove(exposure, risk.size(), s.marketMove), esNow});
    char rho[32];
    std::snprintf(rho, sizeof rho, "%g", s.correlation);
    out.push_back({"correlation", std::string("every correlation to ") + rho, risk.correlationTo(exposure, s.correlation),
                   esNow});
    // The cluster whose gap costs most; a lone name when nothing is correlated enough.
    std::vector<std::vector<std::size_t> > groups = risk.clusters(s.clusterThreshold);
    for (std::size_t i = 0; i < risk.size(); ++i) {
        bool inGroup = false;
        for (const auto& g : groups)
            for (std::size_t k : g)
                inGroup = inGroup || k == i;
        if (!inGroup)
            groups.push_back({i});
    }
    StressOutcome worst;
    bool any = false;
    for (const auto& g : groups) {
        StressResult r = risk.gap(exposure, g, s.gap);
        if (any && r.pnl >= worst.result.pnl)
            continue;
        std::string names;
        for (std::size_t k : g)
            names += (names.empty() ? "" : ",") + risk.symbol(k);
        worst = {"cluster-gap", names + " gap " + percent(s.gap), r, esNow};
        any = true;
    }
    if (any)
        out.push_back(worst);
    return out;
}

} // namespace hm
