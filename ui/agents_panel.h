#pragma once
// The agents panel: every agent's state, parent-order progress and order rate, and
// for the selected one its rationale, a live throttle slider and the controls a
// trader (or risk manager) may use. Every button is an engine command; what the
// engine says back is shown under the buttons.
#include "engine/snapshot.h"
#include "snapshot_panel.h"

#include <QElapsedTimer>
#include <QWidget>

class QLabel;
class QPushButton;
class QSlider;
class QTableView;
class QPlainTextEdit;

namespace hm {

class AgentTableModel;
class EngineCommands;
class OperatorSession;

class AgentsPanel : public QWidget, public SnapshotPanel {
    Q_OBJECT
public:
    AgentsPanel(EngineCommands& engine, OperatorSession& session, QWidget* parent = nullptr);
    void update(const EngineSnapshot& snapshot) override;
    void reset() override {} // it shows the agents as they are now

    AgentTableModel& model() { return *m_model; }
    QTableView& view() { return *m_view; }
    bool select(const std::string& agentId);
    std::string selectedId() const;
    QSlider& throttleSlider() { return *m_slider; }
    QString statusText() const;
    void addFromFile(const QString& path); // for tests; the button asks for a file

private:
    void act(AgentAction action);
    void showSelected();
    void setStatus(bool ok, const QString& text);

    EngineCommands& m_engine;
    OperatorSession& m_session;
    AgentTableModel* m_model;
    QTableView* m_view;
    QLabel* m_title;
    QPlainTextEdit* m_policy;
    QPlainTextEdit* m_rationale;
    QSlider* m_slider;
    QLabel* m_sliderValue;
    QLabel* m_status;
    QPushButton* m_start;
    QPushButton* m_pause;
    QPushButton* m_resume;
    QPushButton* m_reduceOnly;
    QPushButton* m_kill;
    QPushButton* m_rearm;
    QPushButton* m_remove;
    QElapsedTimer m_levelSent;
};

} // namespace hm
