#pragma once
// The replay's controls: a timeline of the session (how busy each stretch was, with
// marks at kills, denials, approvals, limit changes and regime switches), play/pause,
// step, jump to the previous/next mark, speed from 1x to 1000x or as fast as possible,
// whether the rebuilt state matches the hashes the live session recorded, and a banner
// when the journal fails its integrity check.
#include "engine/snapshot.h"
#include "snapshot_panel.h"
#include "replay/timeline.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;

namespace hm {

class ReplaySession;

class TimelineView : public QWidget {
    Q_OBJECT
public:
    explicit TimelineView(QWidget* parent = nullptr);
    void setTimeline(Timeline timeline);
    void setPosition(Timestamp time);
    QSize sizeHint() const override { return {600, 44}; }
    QSize minimumSizeHint() const override { return {200, 36}; }
Q_SIGNALS:
    void seekRequested(Timestamp time);
    void markRequested(std::int64_t seq);

protected:
    void paintEvent(QPaintEvent*) override;
    void mousePressEvent(QMouseEvent* e) override;
    void mouseMoveEvent(QMouseEvent* e) override;
    void mouseReleaseEvent(QMouseEvent* e) override;

private:
    Timestamp timeAt(int x) const;
    int xAt(Timestamp t) const;
    const TimelineMark* markNear(int x) const;
    Timeline m_timeline;
    Timestamp m_position = 0;
    bool m_dragging = false;
};

class ReplayBar : public QWidget, public SnapshotPanel {
    Q_OBJECT
public:
    explicit ReplayBar(ReplaySession& session, QWidget* parent = nullptr);
    void update(const EngineSnapshot& snapshot) override;
    void reset() override {} // it shows where the replay stands now
    QString statusText() const;
    QString journalPath() const; // the journal it replays
    QString integrityText() const; // the banner: empty when the journal passed every check
    void jumpToMark(int direction); // -1 previous, +1 next
    TimelineView& timeline() { return *m_timeline; }

private:
    ReplaySession& m_session;
    Timeline m_data;
    TimelineView* m_timeline;
    QPushButton* m_play;
    QComboBox* m_speed;
    QLabel* m_status;
    QLabel* m_integrity;
    QListWidget* m_marks;
    std::int64_t m_seq = 0;
};

QColor markColor(MarkKind kind);

} // namespace hm
