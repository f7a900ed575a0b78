#include "main_window.h"

#include "agents_panel.h"
#include "analysis_dialogs.h"
#include "replay_bar.h"
#include "approvals_panel.h"
#include "attribution_table.h"
#include "blotter_models.h"
#include "decisions_panel.h"
#include "engine/engine_commands.h"
#include "event_loop_probe.h"
#include "feed_panel.h"
#include "ladder_model.h"
#include "limits_dialog.h"
#include "log_panel.h"
#include "market_panel.h"
#include "order_ticket.h"
#include "portfolio_panel.h"
#include "price_chart.h"
#include "risk_panel.h"
#include "session_panel.h"
#include "snapshot_bridge.h"
#include "table_view.h"
#include "watchlist_model.h"

#include <algorithm>

#include <QCloseEvent>
#include <QCoreApplication>
#include <QFileDialog>
#include <QMenuBar>
#include <QProcess>
#include <QDockWidget>
#include <QAction>
#include <QApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

namespace hm {

namespace {
constexpr int kLayoutVersion = 3; // bump when docks change, so an old saved layout is ignored

} // namespace

MainWindow::MainWindow(EngineCommands& engine, const Instrument& instrument, const QString& venueText,
                       const QString& journalPath, RiskManagerCheck riskCheck, QWidget* parent)
    : QMainWindow(parent), m_engine(engine), m_instrument(instrument), m_venueText(venueText)
{
    m_panelClock.start();
    m_baseTitle = tr("Helmsman — %1 — %2").arg(QString::fromStdString(instrument.symbol), venueText);
    m_operator = new OperatorSession(qEnvironmentVariable("USER", QStringLiteral("operator")), std::move(riskCheck), this);
    connect(m_operator, &OperatorSession::roleChanged, this, &MainWindow::onRoleChanged);
    setObjectName(QStringLiteral("mainWindow"));
    setDockNestingEnabled(true);
    m_bridge = new SnapshotBridge(this);
    connect(m_bridge, &SnapshotBridge::snapshotReady, this, &MainWindow::onSnapshot);

    m_chart = new PriceChart(instrument.symbol);
    setCentralWidget(m_chart);

    m_ladderModel = new LadderModel(instrument.symbol, this);
    m_ladderView = makeTableView(m_ladderModel, QStringLiteral("ladderView"));
    m_ladderView->setSelectionMode(QAbstractItemView::NoSelection);
    m_ladderView->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_ladderView->verticalHeader()->setDefaultSectionSize(18);
    m_ladderView->setMinimumSize(340, 2 * LadderModel::kLevels * 18 + 28); // all levels without scrolling
    connect(m_ladderView, &QTableView::doubleClicked, this, &MainWindow::onLadderDoubleClick);
    m_watchlist = new WatchlistModel(this);
    m_watchlistView = makeTableView(m_watchlist, QStringLiteral("watchlistView"), 20, QAbstractItemView::SingleSelection);
    m_watchlistView->setItemDelegateForColumn(WatchlistModel::Trend, new SparklineDelegate(m_watchlistView));
    // Widths fitted once the rows have figures, not at every snapshot: sizing to contents
    // measures every cell of every column each time one changes (30 times a second).
    m_watchlistView->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_watchlistView->horizontalHeader()->setSectionResizeMode(WatchlistModel::Trend, QHeaderView::Stretch);
    const auto fitWatchlist = [view = m_watchlistView] {
        for (int c = 0; c < WatchlistModel::Trend; ++c)
            view->setColumnWidth(c, std::max(static_cast<QAbstractItemView*>(view)->sizeHintForColumn(c),
                                             view->horizontalHeader()->sectionSizeHint(c)) + 4);
    };
    connect(m_watchlist, &QAbstractItemModel::modelReset, this,
            [view = m_watchlistView, fitWatchlist] { QTimer::singleShot(1000, view, fitWatchlist); });
    // And every 10 s: a position or P&L that grew a digit since is not cut off for long.
    auto* refit = new QTimer(m_watchlistView);
    connect(refit, &QTimer::timeout, m_watchlistView, fitWatchlist);
    refit->start(10000);
    m_watchlistView->setToolTip(tr("Select an instrument for the ladder, chart and ticket; double-click opens its "
                                   "order book in a dock of its own"));
    connect(m_watchlistView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) { selectInstrument(m_watchlist->symbolAt(current.row())); });
    connect(m_watchlistView, &QTableView::doubleClicked, this,
            [this](const QModelIndex& index) { openLadder(m_watchlist->symbolAt(index.row())); });
    // An order-only broker sends no market data: the trader gives the gate a reference.
    m_watchlistView->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto* reference = new QAction(tr("Set reference price…"), m_watchlistView);
    reference->setObjectName(QStringLiteral("setReferenceAction"));
    connect(reference, &QAction::triggered, this, [this] {
        const std::string symbol = m_watchlist->symbolAt(m_watchlistView->currentIndex().row());
        const Instrument* ins = m_watchlist->instrumentAt(m_watchlistView->currentIndex().row());
        if (!ins)
            return;
        bool ok = false;
        const double price = QInputDialog::getDouble(this, tr("Reference price"),
                                                     tr("Reference price of %1 until market data gives one:")
                                                         .arg(QString::fromStdString(symbol)),
                                                     0.0, 0.0, 1e9, 4, &ok);
        if (ok)
            m_engine.setReferencePrice(symbol, price, m_operator->actor(), "set in the watchlist",
                                       replyOnUi(this, [this](bool done, const QString& t) { showMessage(done, t); }));
    });
    m_watchlistView->addAction(reference);
    QDockWidget* watchDock = dock(tr("Watchlist"), QStringLiteral("watchlistDock"), m_watchlistView, Qt::TopDockWidgetArea);
    m_ladderDock = dock(tr("Order book — %1").arg(QString::fromStdString(instrument.symbol)), QStringLiteral("ladderDock"),
                        m_ladderView, Qt::LeftDockWidgetArea);

    m_ticket = new OrderTicket(instrument);
    connect(m_ticket, &OrderTicket::orderRequested, this,
            [this](const OrderRequest& o) { m_engine.submit(o, Origin::desk("ticket")); });
    connect(m_ticket, &OrderTicket::parentRequested, this, &MainWindow::workParentOrder);
    dock(tr("Order ticket"), QStringLiteral("ticketDock"), m_ticket, Qt::LeftDockWidgetArea);
    // The watchlist sits above the chart, between the left and the right columns.
    setCorner(Qt::TopLeftCorner, Qt::LeftDockWidgetArea);
    setCorner(Qt::TopRightCorner, Qt::RightDockWidgetArea);

    m_orderModel = new OrderTableModel(this);
    m_orderProxy = new QSortFilterProxyModel(this);
    m_orderProxy->setSourceModel(m_orderModel);
    m_orderProxy->setSortRole(Qt::UserRole);
    m_orderView = makeTableView(m_orderProxy, QStringLiteral("orderView"));
    m_orderView->setSortingEnabled(true);
    m_orderView->sortByColumn(OrderTableModel::Time, Qt::DescendingOrder);
    connect(m_orderView, &QTableView::doubleClicked, this, [this] { cancelSelected(); });
    m_fillModel = new FillTableModel(this);
    auto* fillProxy = new QSortFilterProxyModel(this);
    fillProxy->setSourceModel(m_fillModel);
    fillProxy->setSortRole(Qt::UserRole);
    auto* fillView = makeTableView(fillProxy, QStringLiteral("fillView"));
    fillView->setSortingEnabled(true);
    fillView->sortByColumn(FillTableModel::Time, Qt::DescendingOrder);

    auto* cancelButton = new QPushButton(tr("Cancel selected"));
    cancelButton->setObjectName(QStringLiteral("cancelSelected"));
    connect(cancelButton, &QPushButton::clicked, this, &MainWindow::cancelSelected);
    auto* cancelAll = new QPushButton(tr("Cancel all"));
    cancelAll->setObjectName(QStringLiteral("cancelAll"));
    connect(cancelAll, &QPushButton::clicked, this, [this] { m_engine.cancelAll(Origin::desk("blotter")); });
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
    QDockWidget* blotterDock = dock(tr("Blotter"), QStringLiteral("blotterDock"), tabs, Qt::BottomDockWidgetArea);

    m_agents = new AgentsPanel(engine, *m_operator);
    QDockWidget* agentsDock = dock(tr("Agents"), QStringLiteral("agentsDock"), m_agents, Qt::BottomDockWidgetArea);
    m_approvals = new ApprovalsPanel(engine, *m_operator);
    QDockWidget* approvalsDock = dock(tr("Approval queue"), QStringLiteral("approvalsDock"), m_approvals, Qt::BottomDockWidgetArea);
    splitDockWidget(agentsDock, approvalsDock, Qt::Horizontal);
    m_decisions = new DecisionsPanel;
    QDockWidget* decisionsDock = dock(tr("Decisions"), QStringLiteral("decisionsDock"), m_decisions, Qt::BottomDockWidgetArea);
    tabifyDockWidget(approvalsDock, decisionsDock);
    approvalsDock->raise();

    m_risk = new RiskPanel;
    connect(m_risk, &RiskPanel::editLimitsRequested, this, [this] { openLimitsEditor(); });
    QDockWidget* riskDock = dock(tr("Risk"), QStringLiteral("riskDock"), m_risk, Qt::RightDockWidgetArea);
    m_portfolio = new PortfolioPanel;
    connect(m_portfolio, &PortfolioPanel::killInstrumentRequested, this,
            [this](const std::string& symbol) { killInstruments({symbol}, tr("instrument %1").arg(QString::fromStdString(symbol))); });
    connect(m_portfolio, &PortfolioPanel::killClusterRequested, this,
            [this](const std::vector<std::string>& symbols) { killInstruments(symbols, tr("cluster")); });
    QDockWidget* portfolioDock = dock(tr("Portfolio risk"), QStringLiteral("portfolioDock"), m_portfolio, Qt::RightDockWidgetArea);
    tabifyDockWidget(riskDock, portfolioDock);
    m_attribution = new AttributionTable;
    QDockWidget* attributionDock = dock(tr("Attribution"), QStringLiteral("attributionDock"), m_attribution,
                                        Qt::RightDockWidgetArea);
    tabifyDockWidget(portfolioDock, attributionDock);
    riskDock->raise();
    m_feed = new FeedPanel;
    QDockWidget* feedDock = dock(tr("Denials and alerts"), QStringLiteral("feedDock"), m_feed, Qt::RightDockWidgetArea);
    m_market = new MarketPanel(instrument.symbol);
    m_market->setMinimumHeight(120); // it scrolls; the right column must fit a 1000-pixel screen
    QDockWidget* marketDock = dock(tr("Market & regime"), QStringLiteral("marketDock"), m_market, Qt::RightDockWidgetArea);
    tabifyDockWidget(feedDock, marketDock);
    feedDock->raise();
    // Session and log share the blotter's place: looked at less often than the rest.
    m_session = new SessionPanel;
    QDockWidget* sessionDock = dock(tr("FIX session"), QStringLiteral("sessionDock"), m_session, Qt::BottomDockWidgetArea);
    m_log = new LogPanel;
    QDockWidget* logDock = dock(tr("Log"), QStringLiteral("logDock"), m_log, Qt::BottomDockWidgetArea);
    tabifyDockWidget(blotterDock, sessionDock);
    tabifyDockWidget(sessionDock, logDock);
    blotterDock->raise();
    // The order in which each snapshot reaches them.
    m_panels = {m_watchlist, m_agents, m_approvals, m_risk, m_portfolio, m_attribution, m_feed, m_market, m_decisions, m_ladderModel,
                m_orderModel, m_fillModel, m_chart, m_session};
    buildToolbar();
    m_journalPath = journalPath;
    buildMenus();

    m_status = new QLabel;
    statusBar()->addPermanentWidget(m_status, 1);
    m_lag = new QLabel;
    m_lag->setObjectName(QStringLiteral("loopLag"));
    m_lag->setToolTip(tr("How late the window's event loop ran in the last second (worst case)"));
    statusBar()->addPermanentWidget(m_lag);
    m_probe = new EventLoopProbe(100, this);
    connect(m_probe, &EventLoopProbe::summary, this, [this](double worstMs) {
        const QString text = tr("UI lag %1 ms").arg(worstMs, 0, 'f', 0);
        if (m_lag->text() != text)
            m_lag->setText(text);
        const bool late = worstMs > EventLoopProbe::kWarnMs;
        if (m_lag->property("late").toBool() != late) {
            m_lag->setProperty("late", late);
            m_lag->setStyleSheet(late ? QStringLiteral("color:#ff8080; font-weight:bold;") : QString());
        }
    });
    statusBar()->showMessage(tr("Journal: %1").arg(journalPath.isEmpty() ? tr("off") : journalPath));

    resize(1600, 1000);
    // The default layout: agents and approvals get room; the chart takes what is left.
    // Applied once the window has its size, or the docks' shares are computed from nothing.
    QTimer::singleShot(0, this, [=] {
        resizeDocks({agentsDock}, {300}, Qt::Vertical);
        resizeDocks({watchDock}, {195}, Qt::Vertical);
        resizeDocks({blotterDock, agentsDock, approvalsDock}, {400, 750, 450}, Qt::Horizontal);
        resizeDocks({riskDock}, {440}, Qt::Horizontal);
        resizeDocks({riskDock, feedDock}, {480, 200}, Qt::Vertical);
    });
    onRoleChanged();
}

void MainWindow::restoreSavedLayout()
{
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray(), kLayoutVersion);
}

void MainWindow::buildToolbar()
{
    QToolBar* bar = addToolBar(tr("Oversight"));
    m_oversightBar = bar;
    bar->setObjectName(QStringLiteral("oversightToolbar"));
    bar->setMovable(false);
    // The kill switch: always visible, one click or one chord, no confirmation: in an
    // emergency a dialog is a delay. Re-arming is what needs care (the risk manager).
    m_killAction = new QAction(tr("KILL ALL"), this);
    m_killAction->setObjectName(QStringLiteral("killAllAction"));
    m_killAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_K));
    m_killAction->setShortcutContext(Qt::ApplicationShortcut);
    m_killAction->setToolTip(tr("Global kill (Ctrl+Shift+K): halt every agent, cancel every working order, refuse new "
                                "orders until a risk manager re-arms"));
    connect(m_killAction, &QAction::triggered, this, &MainWindow::killAll);
    addAction(m_killAction); // the shortcut works whatever has focus
    m_killButton = new QToolButton;
    m_killButton->setObjectName(QStringLiteral("killAllButton"));
    m_killButton->setDefaultAction(m_killAction);
    m_killButton->setMinimumSize(130, 34);
    m_killButton->setStyleSheet(QStringLiteral(
        "QToolButton { background:#c0121f; color:white; font-weight:bold; font-size:13pt; border:2px solid #ff5a5a;"
        " border-radius:4px; padding:2px 10px; } QToolButton:pressed { background:#7a0a12; }"));
    bar->addWidget(m_killButton);
    bar->addSeparator();
    m_rearmAction = bar->addAction(tr("Re-arm trading"), this, [this] { rearmAll(); });
    m_rearmAction->setObjectName(QStringLiteral("rearmAction"));
    m_rearmAction->setToolTip(tr("Risk manager: lift the global kill and re-arm killed agents"));
    QAction* limits = bar->addAction(tr("Limits…"), this, [this] { openLimitsEditor(); });
    limits->setObjectName(QStringLiteral("limitsAction"));
    QAction* cancelAll = bar->addAction(tr("Cancel all orders"), this, [this] { m_engine.cancelAll(Origin::desk("toolbar")); });
    cancelAll->setObjectName(QStringLiteral("cancelAllAction"));
    auto* spacer = new QWidget;
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    bar->addWidget(spacer);
    m_roleLabel = new QLabel;
    m_roleLabel->setObjectName(QStringLiteral("roleLabel"));
    bar->addWidget(m_roleLabel);
    m_signInAction = bar->addAction(tr("Sign in as risk manager…"), this, &MainWindow::signInRiskManager);
    m_signInAction->setObjectName(QStringLiteral("signInAction"));
    m_signOutAction = bar->addAction(tr("Sign out"), m_operator, &OperatorSession::signOut);
    m_signOutAction->setObjectName(QStringLiteral("signOutAction"));
}

void MainWindow::onRoleChanged()
{
    const bool rm = m_operator->isRiskManager();
    setWindowTitle(m_baseTitle + (rm ? tr(" — RISK MANAGER") : tr(" — trader")));
    if (m_roleLabel) {
        m_roleLabel->setText(rm ? tr(" %1 · RISK MANAGER ").arg(m_operator->user()) : tr(" %1 · trader ").arg(m_operator->user()));
        m_roleLabel->setStyleSheet(rm ? QStringLiteral("background:#5a3d8a; color:white; font-weight:bold; padding:4px;")
                                      : QStringLiteral("background:#2f4a66; color:white; padding:4px;"));
        m_rearmAction->setEnabled(rm);
        m_signInAction->setVisible(!rm);
        m_signInAction->setEnabled(m_operator->canSignIn());
        m_signOutAction->setVisible(rm);
    }
    m_risk->limitsButton().setText(rm ? tr("Edit limits…") : tr("Limits…"));
}

void MainWindow::showMessage(bool ok, const QString& text)
{
    statusBar()->showMessage((ok ? QString() : tr("Refused: ")) + text, 15000);
}

QString MainWindow::statusMessage() const { return statusBar()->currentMessage(); }

void MainWindow::killAll()
{
    m_engine.killAll(m_operator->actor(), "global kill from the window",
                     replyOnUi(this, [this](bool ok, const QString& t) { showMessage(ok, t); }));
}

void MainWindow::rearmAll()
{
    bool ok = false;
    const QString reason = QInputDialog::getText(this, tr("Re-arm trading"), tr("Reason (goes into the audit trail):"),
                                                 QLineEdit::Normal, QString(), &ok);
    if (!ok)
        return;
    rearmAll(reason);
}

void MainWindow::rearmAll(const QString& reason)
{
    if (reason.trimmed().isEmpty())
        return showMessage(false, tr("a reason is required to re-arm"));
    m_engine.rearmAll(m_operator->actor(), reason.trimmed().toStdString(),
                      replyOnUi(this, [this](bool ok, const QString& t) { showMessage(ok, t); }));
}

void MainWindow::signInRiskManager()
{
    bool ok = false;
    const QString pass = QInputDialog::getText(this, tr("Risk manager"), tr("Risk-manager passphrase:"), QLineEdit::Password,
                                               QString(), &ok);
    if (!ok)
        return;
    QString error;
    QApplication::setOverrideCursor(Qt::WaitCursor); // Argon2id is slow on purpose
    const bool signedIn = m_operator->signInRiskManager(pass, error);
    QApplication::restoreOverrideCursor();
    showMessage(signedIn, signedIn ? tr("signed in as risk manager") : error);
}

LimitsDialog* MainWindow::openLimitsEditor()
{
    const RiskLimits current = m_last ? m_last->risk.limits : m_engine.startingLimits();
    std::vector<std::string> instruments;
    if (m_last)
        for (const auto& b : m_last->books)
            instruments.push_back(b.instrument.symbol);
    auto* dialog = new LimitsDialog(m_engine, *m_operator, current, instruments, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (!m_journalPath.isEmpty()) // a risk manager previews a change against today's journal before applying it
        connect(dialog, &LimitsDialog::previewRequested, this,
                [this](const std::vector<std::pair<std::string, std::string>>& o) { previewLimits(o); });
    connect(dialog, &LimitsDialog::applied, this, [this](const QString& t) { showMessage(true, t); });
    dialog->show();
    return dialog;
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open journal for replay…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open a session journal"), QString(),
                                                          tr("Journals (*.db);;All files (*)"));
        if (path.isEmpty())
            return;
        // A replay gets its own window and process: the live session here is not disturbed.
        QProcess::startDetached(QCoreApplication::applicationFilePath(), {QStringLiteral("--replay"), path});
    });
    open->setShortcut(QKeySequence::Open);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    // Every dock's show/hide toggle, titled like the dock, in the order the docks were made.
    m_viewMenu = menuBar()->addMenu(tr("&View"));
    m_viewMenu->setObjectName(QStringLiteral("viewMenu"));
    for (QDockWidget* d : m_docks)
        m_viewMenu->addAction(d->toggleViewAction());

    QMenu* analysis = menuBar()->addMenu(tr("&Analysis"));
    analysis->setEnabled(!m_journalPath.isEmpty());
    analysis->addAction(tr("&Execution report…"), this, [this] { openExecutionReport(); });
    analysis->addAction(tr("Export records to &CSV…"), this, [this] {
        Timestamp from = 0, to = 0;
        if (m_replayBar && m_last) // a replay exports up to where it stands
            to = m_last->replay.time;
        const QString message = exportRecordsDialog(this, m_journalPath, from, to);
        if (!message.isEmpty())
            showMessage(true, message);
    });
    analysis->addAction(tr("&What-if limits…"), this, [this] { openLimitsEditor(); });
    analysis->addSeparator();
    analysis->addAction(tr("Save price chart as &PNG…"), this, [this] {
        const QString f = QFileDialog::getSaveFileName(this, tr("Save chart"), QStringLiteral("chart.png"), tr("PNG (*.png)"));
        if (!f.isEmpty())
            showMessage(saveChartPng(f), f);
    });
    analysis->addAction(tr("Save regime timeline as PNG…"), this, [this] {
        const QString f = QFileDialog::getSaveFileName(this, tr("Save chart"), QStringLiteral("regimes.png"), tr("PNG (*.png)"));
        if (!f.isEmpty())
            showMessage(m_market->timeline().grab().save(f, "PNG"), f);
    });
}

bool MainWindow::saveChartPng(const QString& file) { return m_chart->grab().save(file, "PNG"); }

void MainWindow::openExecutionReport()
{
    auto* d = new ExecutionReportDialog(m_journalPath, this);
    d->setAttribute(Qt::WA_DeleteOnClose);
    d->show();
}

void MainWindow::previewLimits(const std::vector<std::pair<std::string, std::string>>& overrides)
{
    showTextDialog(this, tr("What-if: these limits over %1").arg(m_journalPath), whatIfText(m_journalPath, overrides));
}

void MainWindow::attachReplay(ReplaySession& session)
{
    m_replayBar = new ReplayBar(session);
    const QString path = m_replayBar->journalPath();
    QDockWidget* d = dock(tr("Replay — %1").arg(path), QStringLiteral("replayDock"), m_replayBar, Qt::TopDockWidgetArea);
    d->setFeatures(QDockWidget::NoDockWidgetFeatures);
    m_panels.push_back(m_replayBar);
    // Read-only: nothing here may trade or intervene. The panels stay, showing what was.
    m_ticket->setEnabled(false);
    if (auto* ticketDock = findChild<QDockWidget*>(QStringLiteral("ticketDock")))
        ticketDock->hide(); // nothing to send in a replay; the book gets the room
    // The replay bar takes a strip at the top: the risk gauges share a tab with the feed to make room.
    auto* riskDock = findChild<QDockWidget*>(QStringLiteral("riskDock"));
    auto* feedDock = findChild<QDockWidget*>(QStringLiteral("feedDock"));
    if (riskDock && feedDock) {
        tabifyDockWidget(feedDock, riskDock);
        feedDock->raise();
    }
    m_killAction->setEnabled(false);
    m_killButton->setEnabled(false);
    m_oversightBar->setEnabled(false);
    m_agents->setEnabled(false);
    m_approvals->setEnabled(false);
    m_portfolio->setKillsEnabled(false);
    for (auto* b : findChildren<QPushButton*>(QStringLiteral("cancelSelected")))
        b->setEnabled(false);
    for (auto* b : findChildren<QPushButton*>(QStringLiteral("cancelAll")))
        b->setEnabled(false);
    m_baseTitle = tr("Helmsman — replay of %1").arg(path);
    setWindowTitle(m_baseTitle);
    m_journalPath = path;
    statusBar()->showMessage(tr("Replaying %1 (read-only)").arg(m_journalPath));
}

QDockWidget* MainWindow::dock(const QString& title, const QString& name, QWidget* widget, Qt::DockWidgetArea area)
{
    auto* d = new QDockWidget(title, this);
    d->setObjectName(name); // saveState() keys on it
    d->setWidget(widget);
    addDockWidget(area, d);
    // The menu would take the '&' of "Market & regime" for a mnemonic.
    d->toggleViewAction()->setText(QString(title).replace(QLatin1Char('&'), QStringLiteral("&&")));
    m_docks.push_back(d);
    if (m_viewMenu) // a dock added once the menus exist (the replay bar's) goes at the end
        m_viewMenu->addAction(d->toggleViewAction());
    return d;
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState(kLayoutVersion));
    QMainWindow::closeEvent(event);
}

void MainWindow::onSnapshot(const SnapshotPtr& s)
{
    ++m_snapshotsSeen;
    if (m_last && s->epoch != m_last->epoch) // a replay jumped: histories start over
        for (SnapshotPanel* p : m_panels)
            p->reset();
    m_last = s;
    for (SnapshotPanel* p : m_panels) {
        const qint64 t0 = m_panelClock.nsecsElapsed();
        p->update(*s);
        const auto* named = dynamic_cast<const QObject*>(p);
        PanelTime& t = m_panelTimes[named ? named->metaObject()->className() : "?"];
        t.ns += m_panelClock.nsecsElapsed() - t0;
        ++t.updates;
    }
    for (const auto& b : s->books) {
        if (b.instrument.symbol != m_instrument.symbol)
            continue;
        // The counterparty's security list can change a tick or lot: the ticket prices in
        // the engine's, never in the ones the window started with.
        if (b.instrument.tickSize != m_instrument.tickSize || b.instrument.lotSize != m_instrument.lotSize) {
            m_instrument = b.instrument;
            m_ticket->setInstrument(m_instrument);
        }
        if (b.twiceMid > 0)
            m_ticket->setReferencePrice(m_instrument.toPrice(b.twiceMid / 2));
    }
    if (!m_watchlistView->currentIndex().isValid()) { // the first snapshot: the row of the instrument shown
        const int row = m_watchlist->rowOf(m_instrument.symbol);
        if (row >= 0)
            m_watchlistView->setCurrentIndex(m_watchlist->index(row, 0));
    }
    QString pos;
    int open = 0;
    for (const auto& p : s->positions)
        if (p.position.qty != 0) {
            ++open;
            if (p.position.symbol == m_instrument.symbol)
                pos = tr(" · %1 pos %2").arg(QString::fromStdString(p.position.symbol)).arg(p.position.qty);
        }
    pos += tr(" · %1 position(s), realized %2, unrealized %3")
               .arg(open)
               .arg(s->risk.realized, 0, 'f', 2)
               .arg(s->risk.unrealized, 0, 'f', 2);
    const EngineCounters& c = s->counters;
    m_status->setText(tr("orders %1 · fills %2 · rejects %3 · md updates %4%5")
                          .arg(c.ordersSent)
                          .arg(c.fills)
                          .arg(c.rejects)
                          .arg(c.marketDataUpdates)
                          .arg(pos));
}

void MainWindow::selectInstrument(const std::string& symbol)
{
    if (symbol.empty())
        return;
    const int row = m_watchlist->rowOf(symbol);
    const Instrument* ins = m_watchlist->instrumentAt(row);
    if (!ins || symbol == m_instrument.symbol)
        return;
    m_instrument = *ins;
    m_ladderModel->setSymbol(symbol);
    m_chart->setSymbol(symbol, m_watchlist->history(symbol));
    m_ticket->setInstrument(*ins);
    m_market->setSymbol(symbol);
    m_ladderDock->setWindowTitle(tr("Order book — %1").arg(QString::fromStdString(symbol)));
    if (!m_replayBar) {
        m_baseTitle = tr("Helmsman — %1 — %2").arg(QString::fromStdString(symbol), m_venueText);
        onRoleChanged(); // the title carries the role too
    }
    if (m_watchlistView->currentIndex().row() != row)
        m_watchlistView->setCurrentIndex(m_watchlist->index(row, 0));
    if (m_last)
        for (SnapshotPanel* p : std::initializer_list<SnapshotPanel*>{m_ladderModel, m_chart, m_market})
            p->update(*m_last);
}

QDockWidget* MainWindow::openLadder(const std::string& symbol)
{
    if (symbol.empty())
        return nullptr;
    auto known = m_extraLadders.find(symbol);
    if (known != m_extraLadders.end()) {
        known->second->show();
        known->second->raise();
        return known->second;
    }
    auto* model = new LadderModel(symbol, this);
    QTableView* view = makeTableView(model, QStringLiteral("ladderView-%1").arg(QString::fromStdString(symbol)));
    view->setSelectionMode(QAbstractItemView::NoSelection);
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    view->verticalHeader()->setDefaultSectionSize(18);
    QDockWidget* d = dock(tr("Order book — %1").arg(QString::fromStdString(symbol)),
                          QStringLiteral("ladderDock-%1").arg(QString::fromStdString(symbol)), view, Qt::LeftDockWidgetArea);
    d->setFloating(true);
    d->resize(360, 2 * LadderModel::kLevels * 18 + 60);
    m_panels.push_back(model);
    m_extraLadders[symbol] = d;
    if (m_last)
        model->update(*m_last);
    return d;
}

void MainWindow::killInstruments(const std::vector<std::string>& symbols, const QString& what)
{
    m_engine.killInstruments(symbols, 0, m_operator->actor(), ("kill of the " + what + " from the window").toStdString(),
                             replyOnUi(this, [this](bool ok, const QString& t) { showMessage(ok, t); }));
}

void MainWindow::cancelSelected()
{
    const auto rows = m_orderView->selectionModel()->selectedRows();
    for (const QModelIndex& proxyIndex : rows) {
        const OrderRecord* o = m_orderModel->orderAt(m_orderProxy->mapToSource(proxyIndex).row());
        if (o && !isTerminal(o->status))
            m_engine.cancel(o->clOrdId, Origin::desk("blotter"));
    }
}

void MainWindow::workParentOrder(ParentOrder parent)
{
    // A fresh id per parent: the agent stays listed (and answerable) once it is done.
    auto taken = [this](const std::string& id) {
        return m_last && std::any_of(m_last->agents.begin(), m_last->agents.end(), [&](const AgentView& a) { return a.id == id; });
    };
    std::string id;
    do
        id = parent.agentType.substr(0, parent.agentType.find('_')) + "-ticket-" + std::to_string(++m_parentOrders);
    while (taken(id));
    parent.agentId = id;
    AgentSpec spec;
    std::string error;
    const RegimeNames& regimes = m_engine.sessionRegimes();
    if (!agentForParentOrder(parent, regimes.names.empty() ? defaultRegimeNames() : regimes, spec, error))
        return m_ticket->showResult(false, QString::fromStdString(error));
    const Actor actor = m_operator->actor();
    EngineCommands& engine = m_engine;
    OrderTicket* ticket = m_ticket;
    const Reply toTicket = replyOnUi(ticket, [ticket](bool ok, const QString& t) { ticket->showResult(ok, t); });
    engine.addAgent(spec, actor, [&engine, id, actor, toTicket](bool ok, const std::string& added) {
        if (!ok)
            return toTicket(false, added);
        engine.controlAgent(id, AgentAction::Start, actor, "working a parent order from the ticket", toTicket);
    });
}

void MainWindow::onLadderDoubleClick(const QModelIndex& index)
{
    if (index.column() == LadderModel::MyBids || index.column() == LadderModel::MyAsks) {
        const Side side = index.column() == LadderModel::MyBids ? Side::Buy : Side::Sell;
        const Price px = m_ladderModel->priceAt(index.row());
        if (px > 0 && m_ladderModel->ownQtyAt(index.row(), side) > 0)
            m_engine.cancelAtPrice(m_instrument.symbol, side, px, Origin::desk("ladder"));
        return;
    }
    const Price px = m_ladderModel->priceAt(index.row());
    if (px > 0)
        m_ticket->setPrice(m_instrument.toPrice(px));
}

} // namespace hm
