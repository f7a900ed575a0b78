#pragma once
// Order entry: side, type, time in force, quantity and price; emits a request that
// the window hands to the engine as a command. "Work with" hands the quantity instead
// to a new execution agent as its parent order, over the horizon given.
#include "agents/parent_order.h"
#include "model/order.h"

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace hm {

class OrderTicket : public QWidget {
    Q_OBJECT
public:
    explicit OrderTicket(const Instrument& instrument, QWidget* parent = nullptr);
    // The instrument orders are for (the watchlist's selection): sizes and ticks follow it;
    // the price box is filled again from its next reference.
    void setInstrument(const Instrument& instrument);
    const Instrument& instrument() const { return m_instrument; }
    void setReferencePrice(double price); // fills the price box once, when still empty
    void setPrice(double price);
    void setQuantity(int qty);
    void setType(OrderType type);
    // Said under the buttons: what became of the last request (the engine's answer).
    void showResult(bool ok, const QString& text);
    QComboBox* workWith() const { return m_workWith; }
    QPushButton* buyButton() const { return m_buy; }
    QPushButton* sellButton() const { return m_sell; }

Q_SIGNALS:
    void orderRequested(hm::OrderRequest order);
    void parentRequested(hm::ParentOrder parent); // agentId left for the window to choose

private:
    void send(Side side);

    Instrument m_instrument;
    QLabel* m_symbol;
    QComboBox* m_type;
    QComboBox* m_tif;
    QComboBox* m_workWith;
    QSpinBox* m_horizonMin;
    QSpinBox* m_qty;
    QDoubleSpinBox* m_price;
    QPushButton* m_buy;
    QPushButton* m_sell;
    QLabel* m_error;
    bool m_priceSet = false;
};

} // namespace hm

Q_DECLARE_METATYPE(hm::OrderRequest)
Q_DECLARE_METATYPE(hm::ParentOrder)
