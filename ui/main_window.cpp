#include "main_window.h"

#include "blotter_models.h"
#include "engine/engine.h"
#include "ladder_model.h"
#include "log_panel.h"
#include "order_ticket.h"
#include "price_chart.h"
#include "session_panel.h"
#include "snapshot_bridge.h"

#include <QCloseEvent>
#include <QDockWidget>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace hm {

namespace {
QTableView* makeTable(QAbstractItemModel* model, const QString& name)
{
    auto* view = new QTableView;
    view->setObjectName(name);
    view->setModel(model);
    view->verticalHeader()->setVisible(false);
    view->verticalHeader()->setDefaultSectionSize(20);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->horizontalHeader()->setStretchLastSection(true);
    return view;
}
} // namespace

MainWindow::MainWindow(Engine& engine, const Instrument& instrument, const QString& venueText,
                       const QString& journalPath, QWidget* parent)
    : QMainWindow(parent), m_engine(engine), m_instrument(instrument)
{
    setWindowTitle(tr("Helmsman — %1 — %2").arg(QString::fromStdString(instrument.symbol), venueText));
    setObjectName(QStringLiteral("mainWindow"));
    setDockNestingEnabled(true);
    m_bridge = new SnapshotBridge(this);
    connect(m_bridge, &SnapshotBridge::snapshotReady, this, &MainWindow::onSnapshot);

    m_chart = new PriceChart;
    setCentralWidget(m_chart);

    m_ladderModel = new LadderModel(this);
    m_ladderView = makeTable(m_ladderModel, QStringLiteral("ladderView"));
    m_ladderView->setSelectionMode(QAbstractItemView::NoSelection);
    m_ladderView->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_ladderView->setMinimumSize(340, 2 * LadderModel::kLevels * 20 + 28); // all levels without scrolling
    connect(m_ladderView, &QTableView::doubleClicked, this, &MainWindow::onLadderDoubleClick);
    dock(tr("Order book — %1").arg(QString::fromStdString(instrument.symbol)), QStringLiteral("ladderDock"), m_ladderView,
         Qt::LeftDockWidgetArea);

    m_ticket = new OrderTicket(instrument);
    connect(m_ticket, &OrderTicket::orderRequested, this,
            [this](const OrderRequest& o) { m_engine.submit(o, "ticket"); });
    dock(tr("Order ticket"), QStringLiteral("ticketDock"), m_ticket, Qt::LeftDockWidgetArea);

    m_orderModel = new OrderTableModel(this);
    m_orderProxy = new QSortFilterProxyModel(this);
    m_orderProxy->setSourceModel(m_orderModel);
    m_orderProxy->setSortRole(Qt::UserRole);
    m_orderView = makeTable(m_orderProxy, QStringLiteral("orderView"));
    m_orderView->setSortingEnabled(true);
    m_orderView->sortByColumn(OrderTableModel::Time, Qt::DescendingOrder);
    connect(m_orderView, &QTableView::doubleClicked, this, [this] { cancelSelected(); });
    m_fillModel = new FillTableModel(this);
    auto* fillProxy = new QSortFilterProxyModel(this);
    fillProxy->setSourceModel(m_fillModel);
    fillProxy->setSortRole(Qt::UserRole);
    auto* fillView = makeTable(fillProxy, QStringLiteral("fillView"));
    fillView->setSortingEnabled(true);
    fillView->sortByColumn(FillTableModel::Time, Qt::DescendingOrder);

    auto* cancelButton = new QPushButton(tr("Cancel selected"));
    cancelButton->setObjectName(QStringLiteral("cancelSelected"));
    connect(cancelButton, &QPushButton::clicked, this, &MainWindow::cancelSelected);
    auto* cancelAll = new QPushButton(tr("Cancel all"));
    cancelAll->setObjectName(QStringLiteral("cancelAll"));
    connect(cancelAll, &QPushButton::clicked, this, [this] { m_engine.cancelAll("blotter"); });
    auto* ordersPage = new QWidget;
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(cancelButton);
    buttons->addWidget(cancelAll);
    buttons->addStretch();
    auto* ordersLayout = new QVBoxLayout(ordersPage);
    ordersLayout->setContentsMargins(0, 0, 0, 0);
    ordersLayout->addLayout(buttons);
    ordersLayout->addWidget(m_orderView);
    auto* tabs = new QTabWidget;
    tabs->addTab(ordersPage, tr("Orders"));
    tabs->addTab(fillView, tr("Fills"));
    dock(tr("Blotter"), QStringLiteral("blotterDock"), tabs, Qt::BottomDockWidgetArea);

    m_session = new SessionPanel;
    dock(tr("FIX session"), QStringLiteral("sessionDock"), m_session, Qt::RightDockWidgetArea);
    m_log = new LogPanel;
    dock(tr("Log"), QStringLiteral("logDock"), m_log, Qt::RightDockWidgetArea);

    m_status = new QLabel;
    statusBar()->addPermanentWidget(m_status, 1);
    statusBar()->showMessage(tr("Journal: %1").arg(journalPath.isEmpty() ? tr("off") : journalPath));

    resize(1400, 860);
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
}

MainWindow::~MainWindow() = default;

QDockWidget* MainWindow::dock(const QString& title, const QString& name, QWidget* widget, Qt::DockWidgetArea area)
{
    auto* d = new QDockWidget(title, this);
    d->setObjectName(name); // saveState() keys on it
    d->setWidget(widget);
    addDockWidget(area, d);
    return d;
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    QMainWindow::closeEvent(event);
}

void MainWindow::onSnapshot(const SnapshotPtr& s)
{
    ++m_snapshotsSeen;
    m_ladderModel->update(*s, m_instrument.symbol);
    m_orderModel->update(*s);
    m_fillModel->append(*s);
    m_chart->update(*s, m_instrument.symbol);
    m_session->update(*s);
    for (const auto& b : s->books)
        if (b.instrument.symbol == m_instrument.symbol && b.twiceMid > 0)
            m_ticket->setReferencePrice(m_instrument.toPrice(b.twiceMid / 2));
    QString pos;
    for (const auto& p : s->positions)
        pos += tr("  %1 pos %2, realized %3, unrealized %4")
                   .arg(QString::fromStdString(p.position.symbol))
                   .arg(p.position.qty)
                   .arg(p.position.realizedTicks * m_instrument.tickSize, 0, 'f', 2)
                   .arg(p.unrealizedTicks * m_instrument.tickSize, 0, 'f', 2);
    const EngineCounters& c = s->counters;
    m_status->setText(tr("orders %1 · fills %2 · rejects %3 · md updates %4%5")
                          .arg(c.ordersSent)
                          .arg(c.fills)
                          .arg(c.rejects)
                          .arg(c.marketDataUpdates)
                          .arg(pos));
}

void MainWindow::cancelSelected()
{
    const auto rows = m_orderView->selectionModel()->selectedRows();
    for (const QModelIndex& proxyIndex : rows) {
        const OrderRecord* o = m_orderModel->orderAt(m_orderProxy->mapToSource(proxyIndex).row());
        if (o && !isTerminal(o->status))
            m_engine.cancel(o->clOrdId, "blotter");
    }
}

void MainWindow::onLadderDoubleClick(const QModelIndex& index)
{
    if (index.column() == LadderModel::MyBids || index.column() == LadderModel::MyAsks) {
        const Side side = index.column() == LadderModel::MyBids ? Side::Buy : Side::Sell;
        const Price px = m_ladderModel->priceAt(index.row());
        if (px > 0 && m_ladderModel->ownQtyAt(index.row(), side) > 0)
            m_engine.cancelAtPrice(m_instrument.symbol, side, px, "ladder");
        return;
    }
    const Price px = m_ladderModel->priceAt(index.row());
    if (px > 0)
        m_ticket->setPrice(m_instrument.toPrice(px));
}

} // namespace hm
