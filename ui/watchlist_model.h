#pragma once
// The watchlist: one row per instrument of the session with its last price, change
// since the session's first mid, spread, our position and P&L, the regime and a
// sparkline of the mid. Selecting a row drives the ladder, the chart and the ticket
// (main_window.cpp). Its work per snapshot is bounded: a fixed number of rows and a
// ring of mids per row sampled once a second.
#include "engine/snapshot.h"
#include "snapshot_panel.h"

#include <QAbstractTableModel>
#include <QStyledItemDelegate>

#include <deque>
#include <string>
#include <utility>
#include <vector>

namespace hm {

class WatchlistModel : public QAbstractTableModel, public SnapshotPanel {
    Q_OBJECT
public:
    enum Column { Symbol, Last, Change, Spread, Position, Pnl, Regime, Trend, ColumnCount };
    static constexpr int kSparkRole = Qt::UserRole + 1; // QVariantList of mids, oldest first
    static constexpr std::size_t kHistory = 600;        // one mid a second: ten minutes

    explicit WatchlistModel(QObject* parent = nullptr);
    void update(const EngineSnapshot& snapshot) override;
    void reset() override;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;

    int rowOf(const std::string& symbol) const; // -1 when not shown
    std::string symbolAt(int row) const;
    const Instrument* instrumentAt(int row) const;
    // The row's mids (engine time in ms, price), oldest first: what a chart opened on
    // this instrument starts from.
    std::vector<std::pair<qint64, double>> history(const std::string& symbol) const;

private:
    struct Row {
        Instrument instrument;
        int decimals = 2; // of a price, from the tick size
        double open = 0, mid = 0, last = 0, spread = 0;
        Quantity position = 0;
        double pnl = 0;
        std::string regime;
        std::deque<std::pair<qint64, double>> mids;
    };
    std::vector<Row> m_rows;
};

// Draws the Trend column's sparkline: the mid's path over the row's history, green
// when it ends above where it started, red below.
class SparklineDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

} // namespace hm
