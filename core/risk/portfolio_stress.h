#pragma once
// The stress scenarios a risk manager reads before changing a limit, on today's
// positions plus working orders: the market falls (each name by its beta to the
// equal-weighted market, from the live covariance), every correlation goes to one value
// (ES again), and the worst correlated cluster gaps (sectors show up as clusters).
#include "risk/portfolio_risk.h"

#include <string>
#include <vector>

namespace hm {

struct StressSettings {
    double marketMove = -0.05;     // the market in a minute
    double correlation = 0.9;      // every pair
    double gap = -0.10;            // a cluster's gap
    double clusterThreshold = 0.5; // correlation that links names into a cluster
};

struct StressOutcome {
    std::string name;        // market, correlation, cluster-gap
    std::string description; // "market -5% in a minute", "ABC,DEF gap -10%"
    StressResult result;
    double esNow = 0; // the parametric ES before the scenario, for comparison
};

std::vector<StressOutcome> standardStress(const PortfolioRisk& risk, const std::vector<double>& exposure,
                                          const StressSettings& settings = {});

} // namespace hm
