#pragma once
// The approval queue: agents' proposals waiting for a person, each with its countdown
// to the agent's safe default and the rationale behind it. Approve, reject, or
// approve everything the selected ticket's agent has waiting.
#include "engine/snapshot.h"
#include "snapshot_panel.h"

#include <QAbstractTableModel>
#include <QWidget>

#include <map>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace hm {

class EngineCommands;
class OperatorSession;

class ApprovalTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Ticket, Agent, SymbolCol, SideCol, Qty, PriceCol, Why, TimeLeft, ColumnCount };
    static constexpr int FractionLeftRole = Qt::UserRole + 1; // [0,1] of the timeout still left

    explicit ApprovalTableModel(QObject* parent = nullptr);
    void update(const EngineSnapshot& snapshot);
    void tick(Timestamp nowWallNs); // refreshes the countdowns
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;
    const ApprovalView* ticketAt(int row) const;
    int rowOf(std::uint64_t ticket) const;

private:
    std::vector<ApprovalView> m_rows;
    std::map<std::string, double> m_tick; // symbol -> tick size
    Timestamp m_now = 0;
};

class ApprovalsPanel : public QWidget, public SnapshotPanel {
    Q_OBJECT
public:
    ApprovalsPanel(EngineCommands& engine, OperatorSession& session, QWidget* parent = nullptr);
    void update(const EngineSnapshot& snapshot) override;
    void reset() override {} // it shows the queue as it is now

    ApprovalTableModel& model() { return *m_model; }
    bool select(std::uint64_t ticket);
    void approveSelected() { decide(true, false); }
    void rejectSelected() { decide(false, false); }
    void approveAllOfAgent() { decide(true, true); }
    QString statusText() const;

private:
    void decide(bool approve, bool allOfAgent);
    void showSelected();
    std::uint64_t selectedTicket() const;

    EngineCommands& m_engine;
    OperatorSession& m_session;
    ApprovalTableModel* m_model;
    QTableView* m_view;
    QPlainTextEdit* m_rationale;
    QLabel* m_status;
    QPushButton* m_approve;
    QPushButton* m_reject;
    QPushButton* m_approveAll;
};

} // namespace hm
