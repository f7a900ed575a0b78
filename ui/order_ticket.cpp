#include "order_ticket.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>

#include <algorithm>
#include <cmath>

namespace hm {

OrderTicket::OrderTicket(const Instrument& instrument, QWidget* parent) : QWidget(parent), m_instrument(instrument)
{
    qRegisterMetaType<hm::OrderRequest>();
    qRegisterMetaType<hm::ParentOrder>();
    // Compact: two fields a row, so the ticket fits under the ladder on a 1000-pixel screen.
    auto* form = new QGridLayout;
    form->setVerticalSpacing(4);
    m_symbol = new QLabel;
    m_symbol->setObjectName(QStringLiteral("ticketSymbol"));
    form->addWidget(new QLabel(tr("Instrument")), 0, 0);
    form->addWidget(m_symbol, 0, 1);
    m_type = new QComboBox;
    m_type->addItem(tr("Limit"));
    m_type->addItem(tr("Market"));
    m_type->setObjectName(QStringLiteral("ticketType"));
    form->addWidget(new QLabel(tr("Type")), 1, 0);
    form->addWidget(m_type, 1, 1);
    m_tif = new QComboBox;
    m_tif->addItems({tr("DAY"), tr("GTC"), tr("IOC"), tr("FOK")});
    form->addWidget(new QLabel(tr("TIF")), 1, 2);
    form->addWidget(m_tif, 1, 3);
    m_qty = new QSpinBox;
    m_qty->setObjectName(QStringLiteral("ticketQty"));
    form->addWidget(new QLabel(tr("Qty")), 2, 0);
    form->addWidget(m_qty, 2, 1);
    m_price = new QDoubleSpinBox;
    m_price->setObjectName(QStringLiteral("ticketPrice"));
    m_price->setDecimals(2);
    m_price->setRange(0.0, 1e9);
    form->addWidget(new QLabel(tr("Price")), 2, 2);
    form->addWidget(m_price, 2, 3);
    connect(m_type, &QComboBox::currentIndexChanged, this, [this](int i) { m_price->setEnabled(i == 0); });
    // Work with: send the order as it is, or hand it to a new execution agent as its parent.
    m_workWith = new QComboBox;
    m_workWith->setObjectName(QStringLiteral("ticketWorkWith"));
    m_workWith->addItem(tr("Direct"), QString());
    for (const auto& a : {std::pair<const char*, const char*>{"TWAP", "twap"}, {"VWAP", "vwap"}, {"POV", "pov"},
                          {"Almgren-Chriss", "almgren_chriss"}, {"PPO (learned)", "rl_execution:ppo-execution.pt"},
                          {"DDQN (learned)", "rl_execution:ddqn-execution.pt"}})
        m_workWith->addItem(tr(a.first), QString::fromLatin1(a.second));
    m_workWith->setToolTip(tr("Direct sends the order. An agent works the quantity as a parent order over the horizon."));
    form->addWidget(new QLabel(tr("Work with")), 3, 0);
    form->addWidget(m_workWith, 3, 1);
    m_horizonMin = new QSpinBox;
    m_horizonMin->setObjectName(QStringLiteral("ticketHorizon"));
    m_horizonMin->setRange(1, 480);
    m_horizonMin->setValue(30);
    m_horizonMin->setSuffix(tr(" min"));
    m_horizonMin->setEnabled(false);
    form->addWidget(new QLabel(tr("Over")), 3, 2);
    form->addWidget(m_horizonMin, 3, 3);
    connect(m_workWith, &QComboBox::currentIndexChanged, this, [this](int i) { m_horizonMin->setEnabled(i > 0); });

    m_buy = new QPushButton(tr("Buy"));
    m_buy->setObjectName(QStringLiteral("buyButton"));
    m_buy->setStyleSheet(QStringLiteral("background:#1f6f43;color:white;font-weight:bold;padding:4px;"));
    m_sell = new QPushButton(tr("Sell"));
    m_sell->setObjectName(QStringLiteral("sellButton"));
    m_sell->setStyleSheet(QStringLiteral("background:#8a2b2b;color:white;font-weight:bold;padding:4px;"));
    connect(m_buy, &QPushButton::clicked, this, [this] { send(Side::Buy); });
    connect(m_sell, &QPushButton::clicked, this, [this] { send(Side::Sell); });
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_buy);
    buttons->addWidget(m_sell);
    m_error = new QLabel;
    m_error->setStyleSheet(QStringLiteral("color:#eb6464;"));
    m_error->setWordWrap(true);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(m_error);
    layout->addStretch();
    setInstrument(instrument);
}

void OrderTicket::setInstrument(const Instrument& instrument)
{
    const bool same = instrument.symbol == m_instrument.symbol && m_qty->minimum() == static_cast<int>(instrument.lotSize);
    m_instrument = instrument;
    m_symbol->setText(QStringLiteral("<b>%1</b> (%2)").arg(QString::fromStdString(instrument.symbol),
                                                            QString::fromStdString(instrument.currency)));
    if (same)
        return;
    const int lot = static_cast<int>(std::max<Quantity>(1, instrument.lotSize));
    m_qty->setRange(lot, 10000000);
    m_qty->setSingleStep(100 * lot);
    m_qty->setValue(100 * lot);
    m_price->setSingleStep(instrument.tickSize);
    m_price->setDecimals(std::max(2, static_cast<int>(std::ceil(-std::log10(instrument.tickSize) - 1e-9))));
    m_price->setValue(0); // never the last instrument's price
    m_priceSet = false;   // the next reference is this instrument's
    m_error->clear();
}

void OrderTicket::setReferencePrice(double price)
{
    if (!m_priceSet && price > 0) {
        m_price->setValue(price);
        m_priceSet = true;
    }
}

void OrderTicket::setPrice(double price)
{
    m_price->setValue(price);
    m_priceSet = true;
}

void OrderTicket::setQuantity(int qty) { m_qty->setValue(qty); }
void OrderTicket::setType(OrderType type) { m_type->setCurrentIndex(type == OrderType::Limit ? 0 : 1); }

void OrderTicket::send(Side side)
{
    OrderRequest o;
    o.symbol = m_instrument.symbol;
    o.side = side;
    o.type = m_type->currentIndex() == 0 ? OrderType::Limit : OrderType::Market;
    static const TimeInForce tifs[] = {TimeInForce::Day, TimeInForce::GoodTillCancel, TimeInForce::ImmediateOrCancel,
                                       TimeInForce::FillOrKill};
    o.tif = tifs[m_tif->currentIndex()];
    o.qty = m_qty->value();
    const QString with = m_workWith->currentData().toString(); // empty: direct
    if (o.type == OrderType::Limit && with.isEmpty()) { // an agent prices its own children
        o.price = m_instrument.toTicks(m_price->value());
        if (o.price <= 0) {
            showResult(false, tr("Enter a positive limit price."));
            return;
        }
    }
    if (o.qty % std::max<Quantity>(1, m_instrument.lotSize) != 0) {
        showResult(false, tr("Quantity must be a multiple of the lot size %1.").arg(m_instrument.lotSize));
        return;
    }
    m_error->clear();
    if (with.isEmpty())
        return Q_EMIT orderRequested(o);
    ParentOrder p;
    p.agentType = with.section(QLatin1Char(':'), 0, 0).toStdString();
    p.model = with.section(QLatin1Char(':'), 1).toStdString();
    p.symbol = o.symbol;
    p.side = side;
    p.quantity = o.qty;
    p.durationS = 60.0 * m_horizonMin->value();
    Q_EMIT parentRequested(p);
}

void OrderTicket::showResult(bool ok, const QString& text)
{
    m_error->setStyleSheet(ok ? QStringLiteral("color:#8fd19e;") : QStringLiteral("color:#eb6464;"));
    m_error->setText(text);
}

} // namespace hm
