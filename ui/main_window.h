#pragma once
// The workstation window: dockable ladder, chart, blotter, ticket, agents, approvals,
// risk, feed, FIX session and log panels, and a toolbar with the global kill switch.
// It reads only snapshots and talks to the engine only by commands.
#include "agents/parent_order.h"
#include "engine/snapshot.h"
#include "operator_session.h"
#include "snapshot_panel.h"

#include <QElapsedTimer>
#include <QMainWindow>

#include <map>

#include <vector>

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QSortFilterProxyModel;
class QTableView;
class QToolButton;

class QToolBar;

namespace hm {

class ReplaySession;

class AgentsPanel;
class ApprovalsPanel;
class DecisionsPanel;
class EngineCommands;
class EventLoopProbe;
class FeedPanel;
class FillTableModel;
class LadderModel;
class LogPanel;
class MarketPanel;
class OrderTableModel;
class OrderTicket;
class PortfolioPanel;
class AttributionTable;
class PriceChart;
class RiskPanel;
class WatchlistModel;
class SessionPanel;
class SnapshotBridge;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // `riskCheck` verifies the risk-manager passphrase; without it nobody can sign in as one.
    MainWindow(EngineCommands& engine, const Instrument& instrument, const QString& venueText, const QString& journalPath,
               RiskManagerCheck riskCheck = {}, QWidget* parent = nullptr);
    ~MainWindow() override;

    SnapshotBridge& bridge() { return *m_bridge; }
    LogPanel& logPanel() { return *m_log; }

    // For tests and screenshots.
    LadderModel& ladder() { return *m_ladderModel; }
    OrderTableModel& orders() { return *m_orderModel; }
    FillTableModel& fills() { return *m_fillModel; }
    OrderTicket& ticket() { return *m_ticket; }
    PriceChart& chart() { return *m_chart; }
    SessionPanel& session() { return *m_session; }
    AgentsPanel& agents() { return *m_agents; }
    ApprovalsPanel& approvals() { return *m_approvals; }
    RiskPanel& risk() { return *m_risk; }
    FeedPanel& feed() { return *m_feed; }
    MarketPanel& market() { return *m_market; }
    DecisionsPanel& decisions() { return *m_decisions; }
    OperatorSession& operatorSession() { return *m_operator; }
    QToolButton& killButton() { return *m_killButton; }
    QAction& killAction() { return *m_killAction; }
    const SnapshotPtr& lastSnapshot() const { return m_last; }
    WatchlistModel& watchlist() { return *m_watchlist; }
    QTableView& watchlistView() { return *m_watchlistView; }
    PortfolioPanel& portfolio() { return *m_portfolio; }
    AttributionTable& attribution() { return *m_attribution; }
    // The instrument the ladder, the chart, the ticket and the market panel show.
    const Instrument& instrument() const { return m_instrument; }
    void selectInstrument(const std::string& symbol);
    // Another order book in a dock of its own (a watchlist row's double-click).
    QDockWidget* openLadder(const std::string& symbol);
    // The kill of instruments (a cluster's members, or one), from the portfolio panel.
    void killInstruments(const std::vector<std::string>& symbols, const QString& what);
    // Every dock, in the order the View menu lists them; the menu holds their toggle actions.
    const std::vector<QDockWidget*>& docks() const { return m_docks; }
    QMenu& viewMenu() { return *m_viewMenu; }
    // Opens the limits editor (non-modal); returns it so tests can fill it in.
    class LimitsDialog* openLimitsEditor();
    void signInRiskManager(); // asks for the passphrase
    void killAll();
    void rearmAll(); // asks for the reason
    void rearmAll(const QString& reason);
    QString statusMessage() const;
    void restoreSavedLayout(); // the user's last layout; screenshots and tests keep the default
    std::uint64_t snapshotsSeen() const { return m_snapshotsSeen; }
    // The time each kind of panel has spent taking snapshots in (bench_gui reports it).
    struct PanelTime {
        qint64 ns = 0;
        std::uint64_t updates = 0;
    };
    const std::map<std::string, PanelTime>& panelTimes() const { return m_panelTimes; }
    // How late the window's event loop runs (status bar; a warning in the log past 100 ms).
    const EventLoopProbe& loopProbe() const { return *m_probe; }
    // Replay: the window shows a journal rebuilt by `session`'s engine; a replay bar
    // drives it, and everything that would trade or intervene is disabled.
    void attachReplay(ReplaySession& session);
    class ReplayBar* replayBar() { return m_replayBar; }
    bool saveChartPng(const QString& file); // the price chart as the screen shows it
    void openExecutionReport();
    void previewLimits(const std::vector<std::pair<std::string, std::string>>& overrides);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void onSnapshot(const SnapshotPtr& snapshot);
    void cancelSelected();
    void onLadderDoubleClick(const QModelIndex& index);
    // The ticket's "work with": a new execution agent for the parent order, started.
    void workParentOrder(ParentOrder parent);
    QDockWidget* dock(const QString& title, const QString& name, QWidget* widget, Qt::DockWidgetArea area);
    void buildToolbar();
    void buildMenus();
    void onRoleChanged();
    void showMessage(bool ok, const QString& text);

    EngineCommands& m_engine;
    Instrument m_instrument;
    WatchlistModel* m_watchlist = nullptr;
    QTableView* m_watchlistView = nullptr;
    PortfolioPanel* m_portfolio = nullptr;
    AttributionTable* m_attribution = nullptr;
    QElapsedTimer m_panelClock;
    std::map<std::string, PanelTime> m_panelTimes;
    QDockWidget* m_ladderDock = nullptr;
    std::map<std::string, QDockWidget*> m_extraLadders;
    QString m_venueText;
    SnapshotBridge* m_bridge;
    LadderModel* m_ladderModel;
    QTableView* m_ladderView;
    OrderTableModel* m_orderModel;
    QSortFilterProxyModel* m_orderProxy;
    QTableView* m_orderView;
    FillTableModel* m_fillModel;
    OrderTicket* m_ticket;
    PriceChart* m_chart;
    SessionPanel* m_session;
    LogPanel* m_log;
    QLabel* m_status;
    QLabel* m_lag;
    EventLoopProbe* m_probe;
    OperatorSession* m_operator;
    AgentsPanel* m_agents;
    ApprovalsPanel* m_approvals;
    RiskPanel* m_risk;
    FeedPanel* m_feed;
    MarketPanel* m_market;
    DecisionsPanel* m_decisions;
    QToolButton* m_killButton = nullptr;
    QAction* m_killAction = nullptr;
    QAction* m_rearmAction = nullptr;
    QAction* m_signInAction = nullptr;
    QAction* m_signOutAction = nullptr;
    QLabel* m_roleLabel = nullptr;
    QString m_baseTitle;
    QString m_journalPath;
    class ReplayBar* m_replayBar = nullptr;
    QToolBar* m_oversightBar = nullptr;
    std::vector<SnapshotPanel*> m_panels; // each snapshot goes to all of them, in this order
    std::vector<QDockWidget*> m_docks;
    QMenu* m_viewMenu = nullptr;
    SnapshotPtr m_last;
    int m_parentOrders = 0; // parents handed to agents from the ticket, for their ids
    std::uint64_t m_snapshotsSeen = 0;
};

} // namespace hm
