#pragma once
// The market as the engine sees it: books, traded volume and last trades, the features
// and regime detectors, the regime in force, and the histories the window's charts
// start from (mid prices, regime changes, risk). A plain value, like the rest of the state.
#include "agents/agent.h"
#include "book/book_mirror.h"
#include "engine/snapshot.h"
#include "features/live_features.h"
#include "model/events.h"
#include "oms/order_manager.h"
#include "regime/regime_detector.h"
#include "risk/risk_metrics.h"

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hm {

class ActivityLog;
struct EngineContext;
struct SetRegime;

class MarketState {
public:
    void addInstrument(const std::string& symbol);
    void apply(const MarketDataSnapshot& s);
    void apply(const MarketDataUpdate& u); // also keeps its trades for the next snapshot

    // After a book changed: the time of the data, volume and last trade, the mid history.
    // Returns twice the mid, 0 while the book has no two sides.
    Price noteMarket(const std::string& symbol, const std::vector<Trade>& trades, Timestamp now);
    bool riskSampleDue(Timestamp now) const;
    void addRiskSample(Timestamp now, const RiskView& view);
    // Risk metrics, features and (with a model) the regime detector take the book in.
    // Returns the detected regime when it differs from the one in force.
    std::optional<std::string> observe(const std::string& symbol, Timestamp now, Quantity lotSize,
                                       const GaussianHmm* model, double warmupS);
    // Keeps the regime timeline: a point whenever the detected or the true regime changed.
    void notePointOfRegime(const std::string& symbol, Timestamp now);
    // A regime from the detector or the simulator. True when the regime in force changed.
    bool setRegime(const EngineContext& ctx, ActivityLog& log, const SetRegime& c, bool detectorDrives);

    // Twice the mid of a symbol's book; 0 when there is no book or no two sides.
    Price twiceMid(const std::string& symbol) const;
    MarketView view(const std::string& symbol, Timestamp now, std::size_t depth) const;
    // Total P&L of the positions at the mids now; it feeds each instrument's drawdown.
    double markToMarket(const OrderManager& oms, const EngineContext& ctx);
    Quantity volume(const std::string& symbol) { return m_volume[symbol]; }
    const std::string& regime(const std::string& symbol) { return m_regimes[symbol]; }
    RiskMetrics& metrics(const std::string& symbol) { return m_metrics[symbol]; }
    // When market data for the symbol last came (engine time); none yet: nullopt.
    std::optional<Timestamp> lastData(const std::string& symbol) const;
    // The journal's market records: one per level changed, one per trade.
    // At `now`: the time the engine handled the message, so a replay sees the market at
    // the moment the live engine did (features, the regime detector).
    static void record(const EngineContext& ctx, const MarketDataSnapshot& s, Timestamp now);
    static void record(const EngineContext& ctx, const MarketDataUpdate& u, Timestamp now);

    // Read by the snapshot builder and the state hash.
    std::map<std::string, BookMirror> m_books;
    std::map<std::string, std::vector<Trade>> m_newTrades;
    std::map<std::string, RiskMetrics> m_metrics; // per instrument
    std::map<std::string, Quantity> m_volume;     // traded volume per instrument
    std::map<std::string, Price> m_lastTrade;
    std::map<std::string, Timestamp> m_lastMarketData; // engine time
    std::map<std::string, std::string> m_regimes;      // symbol -> current regime
    std::map<std::string, LiveFeatures> m_features;    // symbol -> market features, for the window and the detector
    std::map<std::string, RegimeDetector> m_detectors;  // symbol -> online detector
    std::map<std::string, Timestamp> m_nextRegimeSample;
    std::map<std::string, std::string> m_trueRegimes;   // symbol -> the simulator's, when it says
    std::map<std::string, std::deque<std::pair<Timestamp, Price>>> m_midHistory; // symbol -> 2x mid, 4 a second, 3 minutes
    std::map<std::string, std::vector<RegimePoint>> m_regimePoints; // symbol -> regime changes, last half hour
    std::deque<std::pair<Timestamp, RiskView>> m_riskHistory; // 4 a second of market time, last minute
};

} // namespace hm
