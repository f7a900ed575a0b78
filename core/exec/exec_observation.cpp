#include "exec/exec_observation.h"

#include <algorithm>
#include <cmath>

namespace hm {

const std::vector<std::string>& executionFeatureNames()
{
    static const std::vector<std::string> names = [] {
        std::vector<std::string> n = featureNames();
        for (const char* t : {"task_side", "task_size_log", "task_horizon_log", "task_time_left_log",
                              "task_required_participation", "task_time_of_day"})
            n.emplace_back(t);
        return n;
    }();
    return names;
}

double expectedHorizonVolume(const ExecState& s)
{
    if (s.expectedVolume > 0)
        return s.expectedVolume;
    if (static_cast<int>(s.features.size()) > kVolume60sLots && s.features[kVolume60sLots] > 0)
        return s.features[kVolume60sLots] * static_cast<double>(std::max<Quantity>(1, s.lot)) * s.horizonS / 60.0;
    return 0;
}

void policyInput(const ExecState& s, int inputs, std::vector<double>& out)
{
    out.assign(static_cast<std::size_t>(kExecutionFeatureCount), 0.0);
    std::copy_n(s.features.begin(), std::min<std::size_t>(s.features.size(), kFeatureCount), out.begin());
    if (s.side == Side::Buy)
        for (int k : {kImbalance1, kImbalance3, kImbalance5, kMicropriceOffsetTicks, kOrderFlowImbalance30s, kOrderFlowImbalance120s})
            out[static_cast<std::size_t>(k)] = -out[static_cast<std::size_t>(k)];
    if (inputs > kFeatureCount) {
        const double parent = static_cast<double>(std::max<Quantity>(1, s.parent));
        // Nothing known of the volume (no task figure, no minute of market yet): read the
        // parent as a tenth of it, the middle of the training sizes, rather than as huge.
        const double known = expectedHorizonVolume(s);
        const double expected = known > 0 ? known : parent / 0.1;
        const double timeLeft = std::max(0.0, s.horizonS - s.elapsedS);
        const double timeFraction = s.horizonS > 0 ? timeLeft / s.horizonS : 0;
        out[kTaskSide] = s.side == Side::Sell ? 1.0 : -1.0;
        out[kTaskSizeLog] = std::log(std::clamp(parent / expected, 1e-4, 10.0));
        out[kTaskHorizonLog] = std::log(std::max(1.0, s.horizonS) / 1800.0);
        out[kTaskTimeLeftLog] = std::log1p(timeLeft / 60.0);
        const double neededVolume = expected * timeFraction;
        out[kTaskRequiredParticipation] = neededVolume > 0 ? std::min(10.0, static_cast<double>(s.remaining) / neededVolume)
                                          : s.remaining > 0 ? 10.0 : 0.0; // no time left: all of it now
        const double day = s.daySeconds > 0 ? s.daySeconds : 23400;
        out[kTaskTimeOfDay] = std::clamp(std::fmod(s.startTimeOfDayS + s.elapsedS, day) / day, 0.0, 1.0);
    }
    out.resize(static_cast<std::size_t>(std::clamp(inputs, 0, static_cast<int>(kExecutionFeatureCount))));
}

} // namespace hm
