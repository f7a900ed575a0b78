#include "session_panel.h"

#include "blotter_models.h"

#include <QFormLayout>
#include <QLabel>
#include <QListWidget>
#include <QVBoxLayout>

namespace hm {

SessionPanel::SessionPanel(QWidget* parent) : QWidget(parent)
{
    auto* form = new QFormLayout;
    m_session = new QLabel(QStringLiteral("-"));
    m_state = new QLabel(QStringLiteral("-"));
    m_state->setObjectName(QStringLiteral("sessionState"));
    m_seq = new QLabel(QStringLiteral("-"));
    m_heartbeat = new QLabel(QStringLiteral("-"));
    m_latency = new QLabel(QStringLiteral("-"));
    form->addRow(tr("Session"), m_session);
    form->addRow(tr("State"), m_state);
    form->addRow(tr("Next seq out / in"), m_seq);
    form->addRow(tr("Last message"), m_heartbeat);
    form->addRow(tr("Round trip p50 / p99"), m_latency);
    m_events = new QListWidget;
    m_events->setMinimumHeight(40); // shares a tab with the feed; must not set the column's height
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("Session events")));
    layout->addWidget(m_events);
}

QString SessionPanel::stateText() const { return m_state->text(); }

void SessionPanel::reset() { m_events->clear(); }

void SessionPanel::update(const EngineSnapshot& s)
{
    if (!s.sessions.empty()) {
        const SessionStatus& st = s.sessions.front();
        m_session->setText(QString::fromStdString(st.sessionId));
        m_state->setText(QString::fromLatin1(toString(st.state)));
        const char* color = st.state == SessionState::LoggedOn ? "#5ac878" : (st.state == SessionState::Connecting ? "#f0c850" : "#eb6464");
        m_state->setStyleSheet(QStringLiteral("font-weight:bold;color:%1;").arg(QLatin1String(color)));
        m_seq->setText(QStringLiteral("%1 / %2").arg(st.nextSenderSeq).arg(st.nextTargetSeq));
        m_heartbeat->setText(st.lastHeartbeat ? formatTime(st.lastHeartbeat) : QStringLiteral("-"));
    }
    if (s.roundTrip.samples > 0)
        m_latency->setText(QStringLiteral("%1 / %2 us (%3 orders)")
                               .arg(s.roundTrip.p50us, 0, 'f', 0)
                               .arg(s.roundTrip.p99us, 0, 'f', 0)
                               .arg(s.roundTrip.samples));
    const std::size_t skip = s.newSessionEvents.size() > kMaxEvents ? s.newSessionEvents.size() - kMaxEvents : 0;
    for (std::size_t i = skip; i < s.newSessionEvents.size(); ++i) {
        const SessionEvent& e = s.newSessionEvents[i];
        m_events->addItem(formatTime(e.time) + QStringLiteral("  ") + QString::fromLatin1(toString(e.kind))
                          + (e.text.empty() ? QString() : QStringLiteral(": ") + QString::fromStdString(e.text)));
        if (m_events->count() > static_cast<int>(kMaxEvents))
            delete m_events->takeItem(0);
    }
    if (!s.newSessionEvents.empty())
        m_events->scrollToBottom();
}

} // namespace hm
