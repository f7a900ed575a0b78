#include "portfolio_panel.h"

#include "correlation_heat_map.h"
#include "risk_gauge.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>

#include <algorithm>
#include <QVBoxLayout>

#include <cmath>

namespace hm {

namespace {

QTableWidget* makeTable(const QStringList& headers, const QString& name)
{
    auto* t = new QTableWidget(0, headers.size());
    t->setObjectName(name);
    t->setHorizontalHeaderLabels(headers);
    t->verticalHeader()->setVisible(false);
    t->verticalHeader()->setDefaultSectionSize(18);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setSelectionMode(QAbstractItemView::SingleSelection);
    // Fitted when the rows change (fitTable), not sized to contents at every update.
    t->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    t->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    return t;
}

void setCell(QTableWidget* t, int row, int column, const QString& text, const QColor& colour = {})
{
    QTableWidgetItem* item = t->item(row, column);
    if (!item) {
        item = new QTableWidgetItem;
        item->setTextAlignment(column == 0 ? Qt::AlignLeft | Qt::AlignVCenter : Qt::AlignRight | Qt::AlignVCenter);
        t->setItem(row, column, item);
    }
    if (item->text() != text)
        item->setText(text);
    if (colour.isValid() && item->foreground() != QBrush(colour))
        item->setForeground(colour);
}

void fitTable(QTableWidget* t)
{
    for (int c = 1; c < t->columnCount(); ++c)
        t->setColumnWidth(c, std::max(static_cast<QAbstractItemView*>(t)->sizeHintForColumn(c),
                                      t->horizontalHeader()->sectionSizeHint(c)) + 14);
}

} // namespace

PortfolioPanel::PortfolioPanel(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("portfolioPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_es = new RiskGauge(tr("Portfolio ES 99%"), QString());
    m_es->setObjectName(QStringLiteral("portfolioEsGauge"));
    m_net = new RiskGauge(tr("Net notional"), QString());
    m_concentration = new RiskGauge(tr("Largest name"), QStringLiteral("%"));
    auto* gauges = new QHBoxLayout;
    gauges->addWidget(m_es);
    gauges->addWidget(m_net);
    gauges->addWidget(m_concentration);
    layout->addLayout(gauges);
    m_figures = new QLabel;
    m_figures->setObjectName(QStringLiteral("portfolioFigures"));
    m_figures->setWordWrap(true);
    layout->addWidget(m_figures);
    auto* middle = new QHBoxLayout;
    m_heatMap = new CorrelationHeatMap;
    middle->addWidget(m_heatMap, 1);
    m_instruments = makeTable({tr("Instrument"), tr("Exposure"), tr("ES share"), tr("Vol bps"), tr("State")},
                              QStringLiteral("portfolioInstruments"));
    m_instruments->setToolTip(tr("Positions plus working orders at the marks; each one's share of the parametric ES "
                                 "(they add up to it)"));
    middle->addWidget(m_instruments, 1);
    layout->addLayout(middle, 1);
    m_stress = makeTable({tr("Stress scenario"), tr("P&L"), tr("ES after"), tr("ES now")}, QStringLiteral("stressTable"));
    m_stress->setToolTip(tr("On today's positions and working orders, with the live covariance"));
    m_stress->setMaximumHeight(18 * 4 + 26);
    layout->addWidget(m_stress);
    m_clusterRow = new QHBoxLayout;
    m_killInstrument = new QPushButton(tr("Kill instrument"));
    m_killInstrument->setObjectName(QStringLiteral("killInstrumentButton"));
    m_killInstrument->setToolTip(tr("Kill the agents on the selected instrument, cancel its orders and halt it "
                                    "(only risk-reducing orders pass until re-armed)"));
    m_killInstrument->setEnabled(false);
    connect(m_instruments, &QTableWidget::itemSelectionChanged, this,
            [this] { m_killInstrument->setEnabled(m_killsEnabled && !m_instruments->selectedItems().isEmpty()); });
    connect(m_killInstrument, &QPushButton::clicked, this, [this] {
        const int row = m_instruments->currentRow();
        if (row >= 0 && m_instruments->item(row, 0))
            Q_EMIT killInstrumentRequested(m_instruments->item(row, 0)->text().toStdString());
    });
    m_clusterRow->addWidget(m_killInstrument);
    m_clusterRow->addStretch();
    layout->addLayout(m_clusterRow);
}

void PortfolioPanel::reset()
{
    m_shown = -1;
    m_es->clearHistory();
    m_net->clearHistory();
    m_concentration->clearHistory();
    m_lastSampleMs = 0;
}

void PortfolioPanel::setKillsEnabled(bool enabled)
{
    m_killsEnabled = enabled;
    m_killInstrument->setEnabled(enabled && !m_instruments->selectedItems().isEmpty());
    for (QPushButton* b : m_clusterButtons)
        b->setEnabled(enabled);
}

int PortfolioPanel::clusterButtons() const { return static_cast<int>(m_clusterButtons.size()); }

void PortfolioPanel::update(const EngineSnapshot& s)
{
    const PortfolioView& p = s.portfolio;
    if (p.computedAt == m_shown && p.computedAt != 0)
        return; // the engine recomputes it four times a second: nothing new to draw
    m_shown = p.computedAt;
    const RiskLimits& l = s.risk.limits;
    m_es->setValue(p.parametric.es, l.maxPortfolioEs);
    m_net->setValue(std::fabs(p.parametric.net), l.maxNetNotional);
    const bool checked = p.parametric.gross > l.concentrationMinGross;
    m_concentration->setValue(100.0 * p.parametric.largestShare, checked ? l.maxConcentrationPercent : 0);
    const qint64 nowMs = s.time / 1000000;
    if (nowMs - m_lastSampleMs >= 250 || nowMs < m_lastSampleMs) {
        m_es->sample();
        m_net->sample();
        m_concentration->sample();
        m_lastSampleMs = nowMs;
    }
    const QString text = tr("%1 s horizon, %2 samples of %3 s: VaR %4 / ES %5 parametric, VaR %6 / ES %7 historical; "
                            "gross %8")
                             .arg(p.horizonS)
                             .arg(p.samples)
                             .arg(p.sampleIntervalS)
                             .arg(compactNumber(p.parametric.var), compactNumber(p.parametric.es),
                                  compactNumber(p.historical.var), compactNumber(p.historical.es),
                                  compactNumber(p.parametric.gross));
    if (m_figures->text() != text)
        m_figures->setText(text);
    m_heatMap->setMatrix(p.symbols, p.correlation, s.books.empty() ? std::string() : s.books.front().regime);
    showInstruments(p);
    showStress(p);
    showClusters(p);
}

void PortfolioPanel::showInstruments(const PortfolioView& p)
{
    const int n = static_cast<int>(p.symbols.size());
    const bool refit = m_instruments->rowCount() != n || ++m_updatesSinceFit >= 40; // and every 10 s
    if (m_instruments->rowCount() != n)
        m_instruments->setRowCount(n);
    for (int i = 0; i < n; ++i) {
        const std::size_t k = static_cast<std::size_t>(i);
        const double exposure = k < p.exposure.size() ? p.exposure[k] : 0.0;
        const double share = p.parametric.es > 0 && k < p.esContribution.size() ? 100.0 * p.esContribution[k] / p.parametric.es : 0.0;
        const auto halted = p.haltedInstruments.find(p.symbols[k]);
        setCell(m_instruments, i, 0, QString::fromStdString(p.symbols[k]));
        setCell(m_instruments, i, 1, compactNumber(exposure), exposure < 0 ? QColor("#ff8080") : QColor());
        setCell(m_instruments, i, 2, exposure != 0 ? QStringLiteral("%1%").arg(share, 0, 'f', 1) : QString());
        setCell(m_instruments, i, 3, k < p.volBps.size() ? QString::number(p.volBps[k], 'f', 1) : QString());
        setCell(m_instruments, i, 4, halted != p.haltedInstruments.end() ? tr("HALTED") : tr("live"),
                halted != p.haltedInstruments.end() ? QColor("#ff8080") : QColor());
    }
    if (refit) {
        fitTable(m_instruments);
        fitTable(m_stress);
        m_updatesSinceFit = 0;
    }
}

void PortfolioPanel::showStress(const PortfolioView& p)
{
    const int n = static_cast<int>(p.stress.size());
    if (m_stress->rowCount() != n)
        m_stress->setRowCount(n);
    for (int i = 0; i < n; ++i) {
        const StressOutcome& o = p.stress[static_cast<std::size_t>(i)];
        setCell(m_stress, i, 0, QString::fromStdString(o.description));
        setCell(m_stress, i, 1, o.name == "correlation" ? tr("—") : compactNumber(o.result.pnl),
                o.result.pnl < 0 ? QColor("#ff8080") : QColor());
        setCell(m_stress, i, 2, compactNumber(o.result.es));
        setCell(m_stress, i, 3, compactNumber(o.esNow));
    }
}

void PortfolioPanel::showClusters(const PortfolioView& p)
{
    if (p.clusters == m_clusters)
        return;
    m_clusters = p.clusters;
    for (QPushButton* b : m_clusterButtons)
        b->deleteLater();
    m_clusterButtons.clear();
    for (std::size_t i = 0; i < m_clusters.size(); ++i) {
        QString names;
        for (const auto& s : m_clusters[i])
            names += (names.isEmpty() ? QString() : QStringLiteral(",")) + QString::fromStdString(s);
        auto* b = new QPushButton(tr("Kill cluster %1").arg(names));
        b->setObjectName(QStringLiteral("killCluster%1").arg(i));
        b->setToolTip(tr("Instruments correlated above %1 with each other: kill their agents, cancel their orders, "
                         "halt them").arg(p.clusterThreshold));
        b->setStyleSheet(QStringLiteral("color:#ff8080;"));
        b->setEnabled(m_killsEnabled);
        const std::vector<std::string> members = m_clusters[i];
        connect(b, &QPushButton::clicked, this, [this, members] { Q_EMIT killClusterRequested(members); });
        m_clusterRow->insertWidget(static_cast<int>(1 + i), b);
        m_clusterButtons.push_back(b);
    }
}

} // namespace hm
