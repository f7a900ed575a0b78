#include "market_panel.h"

#include "features/features.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace hm {

MarketPanel::MarketPanel(std::string symbol, QWidget* parent) : QWidget(parent), m_symbol(std::move(symbol))
{
    m_regime = new QLabel(tr("Regime: unknown"));
    m_regime->setObjectName(QStringLiteral("marketRegime"));
    m_regime->setStyleSheet(QStringLiteral("font-weight:bold; padding:3px;"));
    const auto& names = featureNames();
    const int rows = kTimeRemaining; // the task features mean nothing here
    m_table = new QTableWidget(rows, 2);
    m_table->setObjectName(QStringLiteral("marketFeatures"));
    m_table->setHorizontalHeaderLabels({tr("Feature"), tr("Value")});
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setDefaultSectionSize(19);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    for (int i = 0; i < rows; ++i) {
        m_table->setItem(i, 0, new QTableWidgetItem(QString::fromStdString(names[static_cast<std::size_t>(i)])));
        auto* v = new QTableWidgetItem(QStringLiteral("—"));
        v->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_table->setItem(i, 1, v);
    }
    m_table->setColumnWidth(0, 190);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(m_regime);
    layout->addWidget(m_table);
}

void MarketPanel::update(const EngineSnapshot& s)
{
    for (const BookView& b : s.books) {
        if (b.instrument.symbol != m_symbol)
            continue;
        m_regime->setText(tr("Regime: %1").arg(b.regime.empty() ? tr("unknown") : QString::fromStdString(b.regime)));
        for (int i = 0; i < m_table->rowCount() && i < static_cast<int>(b.features.size()); ++i)
            m_table->item(i, 1)->setText(QString::number(b.features[static_cast<std::size_t>(i)], 'f', 3));
    }
}

QString MarketPanel::valueText(const std::string& feature) const
{
    for (int i = 0; i < m_table->rowCount(); ++i)
        if (m_table->item(i, 0)->text() == QString::fromStdString(feature))
            return m_table->item(i, 1)->text();
    return {};
}

QString MarketPanel::regimeText() const { return m_regime->text(); }

} // namespace hm
