#pragma once
// The workstation window: dockable ladder, chart, blotter, ticket, FIX session and
// log panels. It reads only snapshots and talks to the engine only by commands.
#include "engine/snapshot.h"

#include <QMainWindow>

class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace hm {

class Engine;
class FillTableModel;
class LadderModel;
class LogPanel;
class OrderTableModel;
class OrderTicket;
class PriceChart;
class SessionPanel;
class SnapshotBridge;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    MainWindow(Engine& engine, const Instrument& instrument, const QString& venueText, const QString& journalPath,
               QWidget* parent = nullptr);
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
    std::uint64_t snapshotsSeen() const { return m_snapshotsSeen; }

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void onSnapshot(const SnapshotPtr& snapshot);
    void cancelSelected();
    void onLadderDoubleClick(const QModelIndex& index);
    QDockWidget* dock(const QString& title, const QString& name, QWidget* widget, Qt::DockWidgetArea area);

    Engine& m_engine;
    Instrument m_instrument;
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
    std::uint64_t m_snapshotsSeen = 0;
};

} // namespace hm
