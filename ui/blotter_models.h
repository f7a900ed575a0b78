#pragma once
// Blotter table models: one row per order, one row per fill. Each owns its rows
// as plain values copied from snapshots, up to a bound: the oldest finished orders and
// the oldest fills make room, removed as precise row ranges (never a model reset).
#include "engine/snapshot.h"
#include "snapshot_panel.h"

#include <QAbstractTableModel>

#include <unordered_map>
#include <vector>

namespace hm {

class OrderTableModel : public QAbstractTableModel, public SnapshotPanel {
    Q_OBJECT
public:
    enum Column { Time, Id, Symbol, SideCol, Type, Tif, Qty, PriceCol, Filled, Leaves, AvgPx, Status, Text, ColumnCount };
    static constexpr std::size_t kMaxRows = 5000; // working orders are kept beyond it: they can still be cancelled
    explicit OrderTableModel(QObject* parent = nullptr);
    void update(const EngineSnapshot& snapshot) override;
    void reset() override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;
    const OrderRecord* orderAt(int row) const;

private:
    void trim(const EngineSnapshot& snapshot);

    std::vector<OrderRecord> m_rows;
    std::unordered_map<std::string, int> m_rowById;
    std::unordered_map<std::string, double> m_tick;
};

class FillTableModel : public QAbstractTableModel, public SnapshotPanel {
    Q_OBJECT
public:
    enum Column { Time, Id, Symbol, SideCol, Qty, PriceCol, ExecId, ColumnCount };
    static constexpr std::size_t kMaxRows = 5000;
    explicit FillTableModel(QObject* parent = nullptr);
    void append(const EngineSnapshot& snapshot); // the snapshot's new fills
    void update(const EngineSnapshot& snapshot) override { append(snapshot); }
    void reset() override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;

private:
    std::vector<FillRecord> m_rows;
    std::unordered_map<std::string, double> m_tick;
};

QString formatTime(Timestamp ns);

} // namespace hm
