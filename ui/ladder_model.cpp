#include "ladder_model.h"

#include <QBrush>
#include <QColor>
#include <QFont>

namespace hm {

LadderModel::LadderModel(std::string symbol, QObject* parent)
    : QAbstractTableModel(parent), m_symbol(std::move(symbol)), m_rows(2 * kLevels)
{
}

void LadderModel::setSymbol(const std::string& symbol)
{
    if (symbol == m_symbol)
        return;
    beginResetModel();
    m_symbol = symbol;
    m_rows.assign(2 * kLevels, Row{});
    endResetModel();
}

int LadderModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : 2 * kLevels; }
int LadderModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

void LadderModel::update(const EngineSnapshot& s)
{
    const BookView* book = nullptr;
    for (const auto& b : s.books)
        if (b.instrument.symbol == m_symbol)
            book = &b;
    if (!book)
        return;
    m_instrument = book->instrument;
    std::vector<Row> rows(2 * kLevels);
    for (int i = 0; i < kLevels && i < static_cast<int>(book->asks.size()); ++i) {
        Row& r = rows[static_cast<std::size_t>(kLevels - 1 - i)];
        r.price = book->asks[static_cast<std::size_t>(i)].price;
        r.ask = book->asks[static_cast<std::size_t>(i)].qty;
        r.valid = true;
    }
    for (int i = 0; i < kLevels && i < static_cast<int>(book->bids.size()); ++i) {
        Row& r = rows[static_cast<std::size_t>(kLevels + i)];
        r.price = book->bids[static_cast<std::size_t>(i)].price;
        r.bid = book->bids[static_cast<std::size_t>(i)].qty;
        r.valid = true;
    }
    auto mark = [&](const std::vector<PriceLevel>& own, Quantity Row::*field) {
        for (const PriceLevel& l : own)
            for (auto& r : rows)
                if (r.valid && r.price == l.price)
                    r.*field = l.qty;
    };
    mark(book->ownBids, &Row::myBid);
    mark(book->ownAsks, &Row::myAsk);
    // Only the rows that changed are repainted.
    int firstChanged = -1, lastChanged = -1;
    for (int i = 0; i < 2 * kLevels; ++i) {
        const Row& a = m_rows[static_cast<std::size_t>(i)];
        const Row& b = rows[static_cast<std::size_t>(i)];
        if (a.price != b.price || a.bid != b.bid || a.ask != b.ask || a.myBid != b.myBid || a.myAsk != b.myAsk
            || a.valid != b.valid) {
            if (firstChanged < 0)
                firstChanged = i;
            lastChanged = i;
        }
    }
    m_rows.swap(rows);
    if (firstChanged >= 0)
        Q_EMIT dataChanged(index(firstChanged, 0), index(lastChanged, ColumnCount - 1));
}

Price LadderModel::priceAt(int row) const
{
    return row >= 0 && row < static_cast<int>(m_rows.size()) && m_rows[static_cast<std::size_t>(row)].valid
        ? m_rows[static_cast<std::size_t>(row)].price
        : 0;
}

Quantity LadderModel::ownQtyAt(int row, Side side) const
{
    if (row < 0 || row >= static_cast<int>(m_rows.size()))
        return 0;
    const Row& r = m_rows[static_cast<std::size_t>(row)];
    return side == Side::Buy ? r.myBid : r.myAsk;
}

QVariant LadderModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid())
        return {};
    const Row& r = m_rows[static_cast<std::size_t>(index.row())];
    const bool askRow = index.row() < kLevels;
    if (role == Qt::DisplayRole) {
        if (!r.valid)
            return {};
        switch (index.column()) {
        case MyBids: return r.myBid ? QVariant::fromValue(r.myBid) : QVariant();
        case BidSize: return r.bid ? QVariant::fromValue(r.bid) : QVariant();
        case PriceCol: return QString::number(m_instrument.toPrice(r.price), 'f', 2);
        case AskSize: return r.ask ? QVariant::fromValue(r.ask) : QVariant();
        case MyAsks: return r.myAsk ? QVariant::fromValue(r.myAsk) : QVariant();
        }
    } else if (role == Qt::TextAlignmentRole) {
        return int(Qt::AlignCenter);
    } else if (role == Qt::BackgroundRole) {
        if (index.column() == BidSize && r.bid)
            return QBrush(QColor(20, 70, 40));
        if (index.column() == AskSize && r.ask)
            return QBrush(QColor(90, 30, 30));
        if ((index.column() == MyBids && r.myBid) || (index.column() == MyAsks && r.myAsk))
            return QBrush(QColor(170, 130, 20));
        if (index.column() == PriceCol)
            return QBrush(askRow ? QColor(45, 32, 32) : QColor(30, 42, 34));
    } else if (role == Qt::FontRole && index.column() == PriceCol) {
        QFont f;
        f.setBold(true);
        return f;
    } else if (role == Qt::ToolTipRole && (index.column() == MyBids || index.column() == MyAsks)) {
        if ((index.column() == MyBids && r.myBid) || (index.column() == MyAsks && r.myAsk))
            return tr("Double-click to cancel your orders at this price");
    }
    return {};
}

QVariant LadderModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (role != Qt::DisplayRole || o != Qt::Horizontal)
        return {};
    switch (section) {
    case MyBids: return tr("My bids");
    case BidSize: return tr("Bid");
    case PriceCol: return tr("Price");
    case AskSize: return tr("Ask");
    case MyAsks: return tr("My asks");
    }
    return {};
}

} // namespace hm
