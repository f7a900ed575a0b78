#include "watchlist_model.h"

#include "market_panel.h"

#include <QColor>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace hm {

WatchlistModel::WatchlistModel(QObject* parent) : QAbstractTableModel(parent) {}

void WatchlistModel::reset()
{
    for (Row& r : m_rows) {
        r.open = 0;
        r.mids.clear();
    }
}

void WatchlistModel::update(const EngineSnapshot& s)
{
    bool rowsChanged = s.books.size() != m_rows.size();
    for (std::size_t i = 0; !rowsChanged && i < s.books.size(); ++i)
        rowsChanged = s.books[i].instrument.symbol != m_rows[i].instrument.symbol;
    if (rowsChanged) {
        beginResetModel();
        m_rows.assign(s.books.size(), Row{});
        for (std::size_t i = 0; i < s.books.size(); ++i) {
            m_rows[i].instrument = s.books[i].instrument;
            const double tick = s.books[i].instrument.tickSize;
            m_rows[i].decimals = tick > 0 ? std::max(0, static_cast<int>(std::ceil(-std::log10(tick) - 1e-9))) : 2;
        }
        endResetModel();
    }
    const qint64 nowMs = s.time / 1000000;
    int firstSpark = -1, lastSpark = -1; // rows whose sparkline took a point
    for (std::size_t i = 0; i < s.books.size(); ++i) {
        const BookView& b = s.books[i];
        Row& r = m_rows[i];
        const Instrument& ins = b.instrument;
        if (b.twiceMid > 0) {
            r.mid = ins.toPrice(b.twiceMid) / 2.0;
            if (r.open <= 0)
                r.open = r.mid;
            if (r.mids.empty() || nowMs - r.mids.back().first >= 1000 || nowMs < r.mids.back().first) {
                if (!r.mids.empty() && nowMs < r.mids.back().first)
                    r.mids.clear(); // the clock jumped back (a replay's seek)
                r.mids.emplace_back(nowMs, r.mid);
                while (r.mids.size() > kHistory)
                    r.mids.pop_front();
                firstSpark = firstSpark < 0 ? static_cast<int>(i) : firstSpark;
                lastSpark = static_cast<int>(i);
            }
        }
        if (!b.newTrades.empty())
            r.last = ins.toPrice(b.newTrades.back().price);
        r.spread = !b.bids.empty() && !b.asks.empty() ? ins.toPrice(b.asks.front().price - b.bids.front().price) : 0;
        r.regime = b.regime;
        r.position = 0;
        r.pnl = 0;
        for (const PositionView& p : s.positions)
            if (p.position.symbol == ins.symbol) {
                r.position = p.position.qty;
                r.pnl = (p.position.realizedTicks + p.unrealizedTicks) * ins.tickSize;
            }
    }
    // The figures every snapshot; a sparkline (the costly cell) only when it took a point.
    if (!m_rows.empty())
        Q_EMIT dataChanged(index(0, Last), index(static_cast<int>(m_rows.size()) - 1, Regime));
    if (firstSpark >= 0)
        Q_EMIT dataChanged(index(firstSpark, Trend), index(lastSpark, Trend));
}

int WatchlistModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int WatchlistModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant WatchlistModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= static_cast<int>(m_rows.size()))
        return {};
    const Row& r = m_rows[static_cast<std::size_t>(index.row())];
    const int decimals = r.decimals;
    const double change = r.open > 0 ? 100.0 * (r.mid / r.open - 1.0) : 0.0;
    if (role == kSparkRole && index.column() == Trend) {
        QVariantList mids;
        for (const auto& p : r.mids)
            mids << p.second;
        return mids;
    }
    if (role == Qt::ForegroundRole) {
        if (index.column() == Change && change != 0)
            return QColor(change > 0 ? "#7ee787" : "#ff8080");
        if (index.column() == Pnl && r.pnl != 0)
            return QColor(r.pnl > 0 ? "#7ee787" : "#ff8080");
        if (index.column() == Regime && !r.regime.empty())
            return regimeColour(r.regime);
        return {};
    }
    if (role == Qt::TextAlignmentRole)
        return index.column() == Symbol || index.column() == Regime ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                                                    : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case Symbol: return QString::fromStdString(r.instrument.symbol);
    case Last: return r.last > 0 ? QString::number(r.last, 'f', decimals) : r.mid > 0 ? QString::number(r.mid, 'f', decimals + 1) : QString();
    case Change: return r.open > 0 ? QStringLiteral("%1%").arg(change, 0, 'f', 2) : QString();
    case Spread: return r.spread > 0 ? QString::number(r.spread, 'f', decimals) : QString();
    case Position: return r.position != 0 ? QString::number(r.position) : QString();
    case Pnl: return r.position != 0 || r.pnl != 0 ? QString::number(r.pnl, 'f', 2) : QString();
    case Regime: return QString::fromStdString(r.regime);
    case Trend: return role == Qt::ToolTipRole ? tr("The mid over the last %1 minutes").arg(kHistory / 60) : QVariant();
    default: return {};
    }
}

QVariant WatchlistModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char* names[] = {"Instrument", "Last", "Chg", "Spread", "Position", "P&L", "Regime", "Trend"};
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

int WatchlistModel::rowOf(const std::string& symbol) const
{
    for (std::size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].instrument.symbol == symbol)
            return static_cast<int>(i);
    return -1;
}

std::string WatchlistModel::symbolAt(int row) const
{
    return row >= 0 && row < static_cast<int>(m_rows.size()) ? m_rows[static_cast<std::size_t>(row)].instrument.symbol
                                                              : std::string();
}

const Instrument* WatchlistModel::instrumentAt(int row) const
{
    return row >= 0 && row < static_cast<int>(m_rows.size()) ? &m_rows[static_cast<std::size_t>(row)].instrument : nullptr;
}

std::vector<std::pair<qint64, double>> WatchlistModel::history(const std::string& symbol) const
{
    const int row = rowOf(symbol);
    if (row < 0)
        return {};
    const auto& mids = m_rows[static_cast<std::size_t>(row)].mids;
    return {mids.begin(), mids.end()};
}

void SparklineDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QStyledItemDelegate::paint(painter, option, index);
    const QVariantList mids = index.data(WatchlistModel::kSparkRole).toList();
    if (mids.size() < 2)
        return;
    double lo = mids.front().toDouble(), hi = lo;
    for (const QVariant& v : mids) {
        lo = std::min(lo, v.toDouble());
        hi = std::max(hi, v.toDouble());
    }
    const QRectF box = QRectF(option.rect).adjusted(3, 3, -3, -3);
    const double span = hi > lo ? hi - lo : 1.0;
    QPainterPath path;
    // No more points than the cell has pixels across.
    const int step = std::max(1, static_cast<int>(mids.size() / std::max(1.0, box.width())));
    for (int i = 0; i < mids.size(); i = i + step < mids.size() - 1 || i == mids.size() - 1 ? i + step : mids.size() - 1) {
        const QPointF p(box.left() + box.width() * i / (mids.size() - 1),
                        box.bottom() - box.height() * (mids[i].toDouble() - lo) / span);
        if (i == 0)
            path.moveTo(p);
        else
            path.lineTo(p);
    }
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(QPen(QColor(mids.back().toDouble() >= mids.front().toDouble() ? "#7ee787" : "#ff8080"), 1.2));
    painter->drawPath(path);
    painter->restore();
}

} // namespace hm
