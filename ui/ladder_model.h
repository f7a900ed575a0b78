#pragma once
// Price ladder: asks above, bids below, best prices meeting in the middle, with the
// user's own working quantity marked at its level.
#include "engine/snapshot.h"
#include "snapshot_panel.h"

#include <QAbstractTableModel>

#include <vector>

namespace hm {

class LadderModel : public QAbstractTableModel, public SnapshotPanel {
    Q_OBJECT
public:
    enum Column { MyBids, BidSize, PriceCol, AskSize, MyAsks, ColumnCount };
    static constexpr int kLevels = 10;

    explicit LadderModel(std::string symbol, QObject* parent = nullptr); // the book it shows
    void update(const EngineSnapshot& snapshot) override;
    void reset() override {} // it shows the book as it is now
    void setSymbol(const std::string& symbol); // another book; shown from the next snapshot
    const std::string& symbol() const { return m_symbol; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;

    Price priceAt(int row) const;
    Quantity ownQtyAt(int row, Side side) const;

private:
    struct Row {
        Price price = 0;
        Quantity bid = 0, ask = 0, myBid = 0, myAsk = 0;
        bool valid = false;
    };
    std::string m_symbol;
    std::vector<Row> m_rows;
    Instrument m_instrument;
};

} // namespace hm
