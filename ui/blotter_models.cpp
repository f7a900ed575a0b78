#include "blotter_models.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>

namespace hm {

QString formatTime(Timestamp ns)
{
    return QDateTime::fromMSecsSinceEpoch(ns / 1000000).toString(QStringLiteral("HH:mm:ss.zzz"));
}

OrderTableModel::OrderTableModel(QObject* parent) : QAbstractTableModel(parent) {}

int OrderTableModel::rowCount(const QModelIndex& p) const { return p.isValid() ? 0 : static_cast<int>(m_rows.size()); }
int OrderTableModel::columnCount(const QModelIndex& p) const { return p.isValid() ? 0 : ColumnCount; }

void OrderTableModel::update(const EngineSnapshot& s)
{
    for (const auto& b : s.books)
        m_tick[b.instrument.symbol] = b.instrument.tickSize;
    std::vector<OrderRecord> appended;
    for (const auto& o : s.orders) {
        auto it = m_rowById.find(o.clOrdId);
        if (it == m_rowById.end()) {
            appended.push_back(o);
            continue;
        }
        OrderRecord& row = m_rows[static_cast<std::size_t>(it->second)];
        if (row.updated != o.updated || row.status != o.status || row.cumQty != o.cumQty) {
            row = o;
            Q_EMIT dataChanged(index(it->second, 0), index(it->second, ColumnCount - 1));
        }
    }
    if (!appended.empty()) {
        const int first = static_cast<int>(m_rows.size());
        beginInsertRows({}, first, first + static_cast<int>(appended.size()) - 1);
        for (auto& o : appended) {
            m_rowById[o.clOrdId] = static_cast<int>(m_rows.size());
            m_rows.push_back(std::move(o));
        }
        endInsertRows();
    }
    trim(s);
}

void OrderTableModel::trim(const EngineSnapshot& s)
{
    if (m_rows.size() <= kMaxRows)
        return;
    // A tenth more than the excess, so trimming happens once in a while, not per snapshot.
    std::size_t excess = m_rows.size() - kMaxRows + kMaxRows / 10;
    std::unordered_map<std::string, bool> inSnapshot; // they would come back as new rows
    for (const auto& o : s.orders)
        inSnapshot[o.clOrdId] = true;
    std::vector<std::pair<int, int>> runs; // [first, last) of the oldest finished orders
    for (int i = 0; i < static_cast<int>(m_rows.size()) && excess > 0; ++i) {
        const OrderRecord& o = m_rows[static_cast<std::size_t>(i)];
        if (!isTerminal(o.status) || inSnapshot.count(o.clOrdId))
            continue;
        if (!runs.empty() && runs.back().second == i)
            ++runs.back().second;
        else
            runs.emplace_back(i, i + 1);
        --excess;
    }
    if (runs.empty())
        return;
    for (auto it = runs.rbegin(); it != runs.rend(); ++it) { // from the back, so the earlier indices hold
        beginRemoveRows({}, it->first, it->second - 1);
        m_rows.erase(m_rows.begin() + it->first, m_rows.begin() + it->second);
        endRemoveRows();
    }
    m_rowById.clear();
    for (std::size_t i = 0; i < m_rows.size(); ++i)
        m_rowById[m_rows[i].clOrdId] = static_cast<int>(i);
}

const OrderRecord* OrderTableModel::orderAt(int row) const
{
    return row >= 0 && row < static_cast<int>(m_rows.size()) ? &m_rows[static_cast<std::size_t>(row)] : nullptr;
}

QVariant OrderTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid())
        return {};
    const OrderRecord& o = m_rows[static_cast<std::size_t>(index.row())];
    const double tick = m_tick.count(o.symbol) ? m_tick.at(o.symbol) : 0.01;
    if (role == Qt::DisplayRole || role == Qt::UserRole) {
        const bool sortKey = role == Qt::UserRole;
        switch (index.column()) {
        case Time: return sortKey ? QVariant::fromValue(o.created) : QVariant(formatTime(o.created));
        case Id: return QString::fromStdString(o.clOrdId);
        case Symbol: return QString::fromStdString(o.symbol);
        case SideCol: return QString::fromLatin1(toString(o.side));
        case Type: return QString::fromLatin1(toString(o.type));
        case Tif: return QString::fromLatin1(toString(o.tif));
        case Qty: return QVariant::fromValue(o.qty);
        case PriceCol:
            if (o.type == OrderType::Market)
                return sortKey ? QVariant(0.0) : QVariant(QStringLiteral("MKT"));
            return sortKey ? QVariant(static_cast<double>(o.price) * tick) : QVariant(QString::number(static_cast<double>(o.price) * tick, 'f', 2));
        case Filled: return QVariant::fromValue(o.cumQty);
        case Leaves: return QVariant::fromValue(o.leavesQty);
        case AvgPx: return o.cumQty ? QVariant(QString::number(o.avgPx, 'f', 4)) : QVariant();
        case Status: return QString::fromLatin1(toString(o.status)) + (o.unsolicitedCancel ? QStringLiteral(" (venue)") : QString());
        case Text: return QString::fromStdString(o.text);
        }
    } else if (role == Qt::ForegroundRole && index.column() == SideCol) {
        return QBrush(o.side == Side::Buy ? QColor(90, 200, 120) : QColor(235, 100, 100));
    } else if (role == Qt::ForegroundRole && index.column() == Status) {
        if (o.status == OrderStatus::Rejected)
            return QBrush(QColor(235, 100, 100));
        if (o.status == OrderStatus::Filled)
            return QBrush(QColor(90, 200, 120));
        if (!isTerminal(o.status))
            return QBrush(QColor(240, 200, 80));
    }
    return {};
}

QVariant OrderTableModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (role != Qt::DisplayRole || o != Qt::Horizontal)
        return {};
    static const char* names[] = {"Time", "ClOrdID", "Symbol", "Side", "Type", "TIF", "Qty", "Price", "Filled", "Leaves", "Avg px", "Status", "Text"};
    return tr(names[section]);
}

FillTableModel::FillTableModel(QObject* parent) : QAbstractTableModel(parent) {}

int FillTableModel::rowCount(const QModelIndex& p) const { return p.isValid() ? 0 : static_cast<int>(m_rows.size()); }
int FillTableModel::columnCount(const QModelIndex& p) const { return p.isValid() ? 0 : ColumnCount; }

void FillTableModel::append(const EngineSnapshot& s)
{
    for (const auto& b : s.books)
        m_tick[b.instrument.symbol] = b.instrument.tickSize;
    if (s.newFills.empty())
        return;
    const std::size_t add = std::min(s.newFills.size(), kMaxRows);
    if (m_rows.size() + add > kMaxRows) {
        const std::size_t drop = std::min(m_rows.size(), m_rows.size() + add - kMaxRows + kMaxRows / 10);
        beginRemoveRows({}, 0, static_cast<int>(drop) - 1);
        m_rows.erase(m_rows.begin(), m_rows.begin() + static_cast<std::ptrdiff_t>(drop));
        endRemoveRows();
    }
    const int first = static_cast<int>(m_rows.size());
    beginInsertRows({}, first, first + static_cast<int>(add) - 1);
    m_rows.insert(m_rows.end(), s.newFills.end() - static_cast<std::ptrdiff_t>(add), s.newFills.end());
    endInsertRows();
}

QVariant FillTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid())
        return {};
    const FillRecord& f = m_rows[static_cast<std::size_t>(index.row())];
    const double tick = m_tick.count(f.symbol) ? m_tick.at(f.symbol) : 0.01;
    if (role == Qt::DisplayRole || role == Qt::UserRole) {
        const bool sortKey = role == Qt::UserRole;
        switch (index.column()) {
        case Time: return sortKey ? QVariant::fromValue(f.time) : QVariant(formatTime(f.time));
        case Id: return QString::fromStdString(f.clOrdId);
        case Symbol: return QString::fromStdString(f.symbol);
        case SideCol: return QString::fromLatin1(toString(f.side));
        case Qty: return QVariant::fromValue(f.qty);
        case PriceCol: return sortKey ? QVariant(static_cast<double>(f.price) * tick) : QVariant(QString::number(static_cast<double>(f.price) * tick, 'f', 2));
        case ExecId: return QString::fromStdString(f.execId);
        }
    } else if (role == Qt::ForegroundRole && index.column() == SideCol) {
        return QBrush(f.side == Side::Buy ? QColor(90, 200, 120) : QColor(235, 100, 100));
    }
    return {};
}

QVariant FillTableModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (role != Qt::DisplayRole || o != Qt::Horizontal)
        return {};
    static const char* names[] = {"Time", "ClOrdID", "Symbol", "Side", "Qty", "Price", "ExecID"};
    return tr(names[section]);
}

void OrderTableModel::reset()
{
    beginResetModel();
    m_rows.clear();
    m_rowById.clear();
    endResetModel();
}

void FillTableModel::reset()
{
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

} // namespace hm
