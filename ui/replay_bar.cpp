#include "replay_bar.h"

#include "replay/replay_session.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMouseEvent>
#include <QPainter>
#include <QPushButton>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace hm {
namespace {
QString clock(Timestamp ns)
{
    return QDateTime::fromMSecsSinceEpoch(ns / 1000000).toString(QStringLiteral("HH:mm:ss.zzz"));
}
} // namespace

QColor markColor(MarkKind kind)
{
    switch (kind) {
    case MarkKind::Kill: return QColor(239, 83, 80);
    case MarkKind::Denial: return QColor(255, 167, 38);
    case MarkKind::Approval: return QColor(102, 187, 106);
    case MarkKind::LimitChange: return QColor(171, 71, 188);
    case MarkKind::Regime: return QColor(79, 195, 247);
    case MarkKind::Alert: return QColor(255, 238, 88);
    case MarkKind::Intervention: return QColor(189, 189, 189);
    }
    return Qt::white;
}

TimelineView::TimelineView(QWidget* parent) : QWidget(parent)
{
    setMouseTracking(true);
    setObjectName(QStringLiteral("replayTimeline"));
}

void TimelineView::setTimeline(Timeline timeline)
{
    m_timeline = std::move(timeline);
    QWidget::update();
}

void TimelineView::setPosition(Timestamp time)
{
    m_position = time;
    QWidget::update();
}

Timestamp TimelineView::timeAt(int x) const
{
    const double f = std::clamp(static_cast<double>(x) / std::max(1, width() - 1), 0.0, 1.0);
    return m_timeline.start + static_cast<Timestamp>(f * static_cast<double>(m_timeline.end - m_timeline.start));
}

int TimelineView::xAt(Timestamp t) const
{
    if (m_timeline.end <= m_timeline.start)
        return 0;
    return static_cast<int>(static_cast<double>(t - m_timeline.start) / static_cast<double>(m_timeline.end - m_timeline.start)
                            * (width() - 1));
}

const TimelineMark* TimelineView::markNear(int x) const
{
    const TimelineMark* best = nullptr;
    int bestDx = 5; // pixels
    for (const auto& m : m_timeline.marks) {
        const int dx = std::abs(xAt(m.time) - x);
        if (dx < bestDx || (dx == bestDx && best && m.kind == MarkKind::Kill)) {
            best = &m;
            bestDx = dx;
        }
    }
    return best;
}

void TimelineView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), QColor(28, 32, 38));
    const int markBand = 12;
    const QRect bars(0, markBand, width(), height() - markBand);
    const auto& d = m_timeline.density;
    const std::int64_t peak = d.empty() ? 1 : std::max<std::int64_t>(1, *std::max_element(d.begin(), d.end()));
    for (std::size_t i = 0; i < d.size(); ++i) {
        const int x0 = static_cast<int>(static_cast<double>(i) / d.size() * width());
        const int x1 = static_cast<int>(static_cast<double>(i + 1) / d.size() * width());
        const int h = static_cast<int>(static_cast<double>(d[i]) / static_cast<double>(peak) * (bars.height() - 2));
        p.fillRect(QRect(x0, bars.bottom() - h, std::max(1, x1 - x0), h), QColor(70, 110, 150));
    }
    for (const auto& m : m_timeline.marks) {
        const int x = xAt(m.time);
        p.setPen(QPen(markColor(m.kind), m.kind == MarkKind::Kill ? 3 : 1));
        p.drawLine(x, 0, x, m.kind == MarkKind::Denial ? markBand / 2 : markBand + 6);
    }
    if (m_position > 0) {
        const int x = xAt(m_position);
        p.fillRect(QRect(0, markBand, x, bars.height()), QColor(255, 255, 255, 28));
        p.setPen(QPen(Qt::white, 2));
        p.drawLine(x, 0, x, height());
    }
}

void TimelineView::mousePressEvent(QMouseEvent* e)
{
    m_dragging = true;
    m_position = timeAt(e->pos().x());
    QWidget::update();
}

void TimelineView::mouseMoveEvent(QMouseEvent* e)
{
    if (m_dragging) {
        m_position = timeAt(e->pos().x());
        QWidget::update();
        return;
    }
    if (const TimelineMark* m = markNear(e->pos().x()))
        QToolTip::showText(e->globalPosition().toPoint(),
                           clock(m->time) + QStringLiteral("  ") + QString::fromLatin1(toString(m->kind)) + QStringLiteral(": ")
                               + QString::fromStdString(m->text),
                           this);
    else
        QToolTip::hideText();
}

void TimelineView::mouseReleaseEvent(QMouseEvent* e)
{
    if (!m_dragging)
        return;
    m_dragging = false;
    if (const TimelineMark* m = markNear(e->pos().x()))
        Q_EMIT markRequested(m->seq); // a release on a mark lands on the mark itself
    else
        Q_EMIT seekRequested(timeAt(e->pos().x()));
}

ReplayBar::ReplayBar(ReplaySession& session, QWidget* parent) : QWidget(parent), m_session(session)
{
    setObjectName(QStringLiteral("replayBar"));
    m_data = session.timeline();
    m_timeline = new TimelineView;
    m_timeline->setTimeline(m_data);
    connect(m_timeline, &TimelineView::seekRequested, this, [this](Timestamp t) { m_session.seekTime(t); });
    connect(m_timeline, &TimelineView::markRequested, this, [this](std::int64_t seq) { m_session.seek(seq); });

    auto button = [this](const QString& text, const QString& tip) {
        auto* b = new QPushButton(text);
        b->setToolTip(tip);
        b->setFixedWidth(64);
        return b;
    };
    QPushButton* toStart = button(tr("Start"), tr("Back to the start"));
    QPushButton* prevMark = button(tr("◀ Mark"), tr("Previous marked event"));
    m_play = button(tr("Play"), tr("Play / pause (Space)"));
    m_play->setObjectName(QStringLiteral("replayPlay"));
    m_play->setShortcut(Qt::Key_Space);
    QPushButton* step = button(tr("Step"), tr("Step one record"));
    QPushButton* nextMark = button(tr("Mark ▶"), tr("Next marked event"));
    connect(toStart, &QPushButton::clicked, this, [this] { m_session.seek(0); });
    connect(prevMark, &QPushButton::clicked, this, [this] { jumpToMark(-1); });
    connect(nextMark, &QPushButton::clicked, this, [this] { jumpToMark(+1); });
    connect(step, &QPushButton::clicked, this, [this] {
        m_session.pause();
        m_session.step(1);
    });
    connect(m_play, &QPushButton::clicked, this, [this] {
        if (m_session.playing())
            m_session.pause();
        else
            m_session.play();
    });
    m_speed = new QComboBox;
    m_speed->setObjectName(QStringLiteral("replaySpeed"));
    for (const char* s : {"1x", "10x", "100x", "1000x", "max"})
        m_speed->addItem(QString::fromLatin1(s));
    m_speed->setCurrentIndex(static_cast<int>(std::log10(std::max(1.0, session.speed())) + 0.5));
    connect(m_speed, &QComboBox::currentIndexChanged, this, [this](int i) {
        static const double speeds[] = {1, 10, 100, 1000, 0};
        m_session.setSpeed(speeds[std::clamp(i, 0, 4)]);
    });
    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("replayStatus"));
    m_status->setFont(QFont(QStringLiteral("DejaVu Sans Mono"), 9));

    m_marks = new QListWidget;
    m_marks->setObjectName(QStringLiteral("replayMarks"));
    m_marks->setFont(QFont(QStringLiteral("DejaVu Sans Mono"), 8));
    m_marks->setMaximumWidth(520);
    m_marks->setMinimumWidth(300);
    m_marks->setMaximumHeight(78);
    for (const auto& m : m_data.marks) {
        if (m.kind == MarkKind::Denial)
            continue; // there can be thousands; they are on the timeline and in the feed
        auto* item = new QListWidgetItem(clock(m.time) + QStringLiteral("  ") + QString::fromStdString(m.text));
        item->setForeground(markColor(m.kind));
        item->setData(Qt::UserRole, QVariant::fromValue<qlonglong>(m.seq));
        m_marks->addItem(item);
    }
    connect(m_marks, &QListWidget::itemActivated, this,
            [this](QListWidgetItem* item) { m_session.seek(item->data(Qt::UserRole).toLongLong()); });

    auto* controls = new QHBoxLayout;
    for (QWidget* w : {static_cast<QWidget*>(toStart), static_cast<QWidget*>(prevMark), static_cast<QWidget*>(m_play),
                       static_cast<QWidget*>(step), static_cast<QWidget*>(nextMark), static_cast<QWidget*>(m_speed)})
        controls->addWidget(w);
    controls->addWidget(m_status, 1);
    // A journal that fails its integrity check still replays (the analyst may want to see
    // what is in it), under a banner that says which check failed and where.
    m_integrity = new QLabel;
    m_integrity->setObjectName(QStringLiteral("replayIntegrity"));
    m_integrity->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred); // a long finding must not widen the window
    const JournalIntegrity& integrity = session.integrity();
    if (integrity.failed()) {
        QStringList failures;
        for (const auto& c : integrity.checks)
            if (c.status == CheckStatus::Fail)
                failures << QString::fromStdString(c.name + ": " + c.detail);
        m_integrity->setText(tr("Journal fails its integrity check (it was changed after the session wrote it): %1")
                                 .arg(failures.join(QStringLiteral("; "))));
        m_integrity->setStyleSheet(QStringLiteral("background: #c62828; color: white; font-weight: bold; padding: 2px 6px"));
    } else if (integrity.warned()) {
        m_integrity->setText(QString::fromStdString(integrity.summary()));
        m_integrity->setStyleSheet(QStringLiteral("color: #ffb300; padding: 0px 6px"));
    }
    m_integrity->setToolTip(QString::fromStdString(integrity.report()));
    auto* left = new QVBoxLayout;
    left->addWidget(m_integrity);
    left->addWidget(m_timeline, 1);
    left->addLayout(controls);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    layout->addLayout(left, 3);
    layout->addWidget(m_marks, 1);
    const bool banner = !m_integrity->text().isEmpty();
    m_integrity->setHidden(!banner);
    setMaximumHeight(84 + (banner ? m_integrity->sizeHint().height() + 8 : 0));
    if (banner) // the timeline keeps its height under the banner
        setMinimumHeight(m_integrity->sizeHint().height() + 80);
}

void ReplayBar::jumpToMark(int direction)
{
    const TimelineMark* target = nullptr;
    for (const auto& m : m_data.marks) {
        if (m.kind == MarkKind::Denial)
            continue;
        if (direction > 0 && m.seq > m_seq) {
            target = &m;
            break;
        }
        if (direction < 0 && m.seq < m_seq)
            target = &m;
    }
    if (target)
        m_session.seek(target->seq);
}

void ReplayBar::update(const EngineSnapshot& s)
{
    m_seq = s.replay.seq;
    if (m_session.lastSeq() != m_data.lastSeq) { // a journal still being written has grown
        const Timeline t = m_session.timeline();
        m_data.lastSeq = t.lastSeq;
        m_data.end = t.end;
        m_timeline->setTimeline(m_data);
    }
    m_timeline->setPosition(s.replay.time ? s.replay.time : m_data.start);
    m_play->setText(m_session.playing() ? tr("Pause") : tr("Play"));
    QString check;
    if (s.replay.hashChecks == 0)
        check = tr("state check: none yet");
    else if (s.replay.hashMismatches == 0)
        check = tr("state check: %1/%1 match").arg(s.replay.hashChecks);
    else
        check = tr("state check: %1 of %2 DIFFER (first at record %3)")
                    .arg(s.replay.hashMismatches)
                    .arg(s.replay.hashChecks)
                    .arg(s.replay.firstMismatchSeq);
    const QString error = QString::fromStdString(m_session.error());
    m_status->setText(tr("%1  record %2 / %3  %4%5")
                          .arg(s.replay.time ? clock(s.replay.time) : QStringLiteral("--:--:--"))
                          .arg(s.replay.seq)
                          .arg(m_session.lastSeq())
                          .arg(check, error.isEmpty() ? QString() : QStringLiteral("  ") + error));
    m_status->setStyleSheet(s.replay.hashMismatches || !error.isEmpty() ? QStringLiteral("color: #ef5350") : QString());
}

QString ReplayBar::statusText() const { return m_status->text(); }
QString ReplayBar::journalPath() const { return QString::fromStdString(m_session.path()); }

QString ReplayBar::integrityText() const { return m_integrity->text(); }

} // namespace hm
