#include "agents_panel.h"

#include "agent_table_model.h"
#include "engine/engine_commands.h"
#include "operator_session.h"
#include "table_view.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSlider>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QVBoxLayout>

namespace hm {

namespace {

// Draws the parent order's progress as a bar behind its "done / target" text.
class ProgressDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter* p, const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        const double done = index.data(AgentTableModel::ProgressRole).toDouble();
        if (done >= 0) {
            QRect bar = option.rect.adjusted(2, 3, -2, -3);
            p->fillRect(bar, QColor(45, 50, 58));
            bar.setWidth(static_cast<int>(bar.width() * std::min(1.0, done)));
            p->fillRect(bar, QColor(50, 100, 160));
        }
        QStyledItemDelegate::paint(p, option, index);
    }
};

// The state cell keeps its colour when the row is selected, so selection never hides a state.
class StateDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter* p, const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        const QRect r = option.rect.adjusted(1, 1, -1, -1);
        p->fillRect(r, index.data(Qt::BackgroundRole).value<QColor>());
        if (option.state & QStyle::State_Selected) {
            p->setPen(QPen(option.palette.color(QPalette::Highlight), 2));
            p->drawRect(r.adjusted(1, 1, -1, -1));
        }
        QFont f = option.font;
        f.setBold(true);
        p->setFont(f);
        p->setPen(Qt::white);
        p->drawText(r.adjusted(6, 0, -4, 0), Qt::AlignLeft | Qt::AlignVCenter, index.data(Qt::DisplayRole).toString());
    }
};

QString policyText(const AgentView& a)
{
    const OversightPolicy& p = a.policy;
    QString approval = QString::fromLatin1(toString(p.approval)).replace(QLatin1Char('_'), QLatin1Char(' '));
    if (p.approval == ApprovalMode::AboveThreshold)
        approval += QObject::tr(" (qty > %1%2)")
                        .arg(p.qtyThreshold)
                        .arg(p.notionalThreshold > 0 ? QObject::tr(" or notional > %1").arg(p.notionalThreshold) : QString());
    if (p.approval == ApprovalMode::InRegimes) {
        QStringList regimes;
        for (const auto& r : p.regimes)
            regimes << QString::fromStdString(r);
        approval += QStringLiteral(" (%1)").arg(regimes.join(QStringLiteral(", ")));
    }
    if (p.approval != ApprovalMode::Autonomous)
        approval += QObject::tr(", timeout %1 s → %2").arg(p.approvalTimeoutS).arg(QString::fromLatin1(toString(p.onTimeout)));
    const ThrottleLimits& t = a.throttle;
    QString extra;
    if (!a.description.empty())
        extra += QObject::tr("\nModel: %1").arg(QString::fromStdString(a.description));
    if (a.monitor.size() >= 2)
        extra += QObject::tr("\nExecution: shortfall so far %1 bps vs shadow TWAP %2 bps on this market")
                     .arg(a.monitor[0].second, 0, 'f', 2)
                     .arg(a.monitor[1].second, 0, 'f', 2);
    if (a.monitor.size() >= 5 && a.description.find(" model ") != std::string::npos)
        extra += QObject::tr(" · drift from training data %1 (waits above %2)").arg(a.monitor[4].second, 0, 'f', 2).arg(4.0, 0, 'f', 1);
    return QObject::tr("Approval: %1\nThrottle: %2 orders/s, participation %3%, %4 notional/min%5 · level %6%\n"
                       "Orders sent %7 · dropped %8 · denied %9 · participation now %10%")
        .arg(approval)
        .arg(t.maxOrdersPerSecond)
        .arg(t.maxParticipation * 100, 0, 'f', 0)
        .arg(t.maxNotionalPerMinute, 0, 'f', 0)
        .arg(t.passiveOnly ? QObject::tr(", passive only") : QString())
        .arg(t.level)
        .arg(a.ordersSent)
        .arg(a.dropped)
        .arg(a.denied)
        .arg(a.participation * 100, 0, 'f', 1) + extra;
}

QString decisionText(const AgentView& a)
{
    if (a.lastDecision.empty())
        return QObject::tr("No decision yet.");
    return QString::fromStdString(a.lastDecision) + QStringLiteral("\n") + rationaleText(a.lastRationale);
}

QPushButton* button(const QString& text, const QString& name, const QString& tip)
{
    auto* b = new QPushButton(text);
    b->setObjectName(name);
    b->setToolTip(tip);
    return b;
}

} // namespace

AgentsPanel::AgentsPanel(EngineCommands& engine, OperatorSession& session, QWidget* parent)
    : QWidget(parent), m_engine(engine), m_session(session)
{
    m_model = new AgentTableModel(this);
    m_view = makeTableView(m_model, QStringLiteral("agentsView"), 22, QAbstractItemView::SingleSelection);
    m_view->setItemDelegateForColumn(AgentTableModel::Progress, new ProgressDelegate(m_view));
    m_view->setItemDelegateForColumn(AgentTableModel::State, new StateDelegate(m_view));
    m_view->setColumnWidth(AgentTableModel::State, 150);
    m_view->setColumnWidth(AgentTableModel::Progress, 120);
    m_view->setMinimumHeight(24 + 3 * 22); // header and three agents at least
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] { showSelected(); });

    m_title = new QLabel;
    m_title->setObjectName(QStringLiteral("agentTitle"));
    m_policy = new QPlainTextEdit; // scrolls rather than grows: the window must fit a 1000-pixel screen
    m_policy->setObjectName(QStringLiteral("agentPolicy"));
    m_policy->setReadOnly(true);
    m_policy->setFrameShape(QFrame::NoFrame);
    m_policy->setMaximumHeight(64);
    m_policy->setStyleSheet(QStringLiteral("background:transparent;"));
    m_rationale = new QPlainTextEdit;
    m_rationale->setObjectName(QStringLiteral("agentRationale"));
    m_rationale->setReadOnly(true);
    m_rationale->setLineWrapMode(QPlainTextEdit::NoWrap); // factor tables stay aligned
    m_rationale->setMinimumWidth(200);
    m_rationale->setMaximumHeight(140);
    m_rationale->setFont(QFont(QStringLiteral("DejaVu Sans Mono"), 9));

    m_slider = new QSlider(Qt::Horizontal);
    m_slider->setObjectName(QStringLiteral("throttleSlider"));
    m_slider->setRange(0, 100);
    m_slider->setSingleStep(5);
    m_slider->setPageStep(10);
    m_slider->setToolTip(tr("Throttle level: scales the agent's orders per second and notional per minute"));
    m_sliderValue = new QLabel(QStringLiteral("—"));
    m_sliderValue->setMinimumWidth(40);
    connect(m_slider, &QSlider::valueChanged, this, [this](int v) { m_sliderValue->setText(QStringLiteral("%1%").arg(v)); });
    // Sent when the trader lets go (or uses the keyboard or a page click), not on every
    // pixel of a drag. For a while after sending, snapshots do not move the slider back.
    auto sendLevel = [this](int level) {
        const std::string id = selectedId();
        if (id.empty())
            return;
        m_levelSent.start();
        m_engine.setThrottleLevel(id, level, m_session.actor(),
                                  replyOnUi(this, [this](bool ok, const QString& t) { setStatus(ok, t); }));
    };
    connect(m_slider, &QSlider::sliderReleased, this, [this, sendLevel] { sendLevel(m_slider->value()); });
    connect(m_slider, &QSlider::actionTriggered, this, [this, sendLevel](int action) {
        if (action != QAbstractSlider::SliderMove)
            sendLevel(m_slider->sliderPosition()); // already moved; value() is not yet
    });

    m_start = button(tr("Start"), QStringLiteral("agentStart"), tr("Armed → running"));
    m_pause = button(tr("Pause"), QStringLiteral("agentPause"), tr("Stop proposing; working orders stay"));
    m_resume = button(tr("Resume"), QStringLiteral("agentResume"), tr("Back to running"));
    m_reduceOnly = button(tr("Reduce only"), QStringLiteral("agentReduceOnly"), tr("Only orders that reduce its position"));
    m_kill = button(tr("Kill"), QStringLiteral("agentKill"), tr("Stop the agent and cancel all its working orders"));
    m_kill->setStyleSheet(QStringLiteral("QPushButton { background:#8c1c24; color:white; font-weight:bold; }"
                                         "QPushButton:disabled { background:#4a2a2d; color:#999; }"));
    m_rearm = button(tr("Re-arm"), QStringLiteral("agentRearm"), tr("Killed or halted → armed (risk manager)"));
    m_remove = button(tr("Remove"), QStringLiteral("agentRemove"), tr("Remove an armed, paused, halted or killed agent"));
    auto* add = button(tr("Add…"), QStringLiteral("agentAdd"), tr("Add agents from a JSON configuration file"));
    connect(m_start, &QPushButton::clicked, this, [this] { act(AgentAction::Start); });
    connect(m_pause, &QPushButton::clicked, this, [this] { act(AgentAction::Pause); });
    connect(m_resume, &QPushButton::clicked, this, [this] { act(AgentAction::Resume); });
    connect(m_reduceOnly, &QPushButton::clicked, this, [this] { act(AgentAction::ReduceOnly); });
    connect(m_kill, &QPushButton::clicked, this, [this] { act(AgentAction::Kill); });
    connect(m_rearm, &QPushButton::clicked, this, [this] { act(AgentAction::Rearm); });
    connect(m_remove, &QPushButton::clicked, this, [this] {
        const std::string id = selectedId();
        if (!id.empty())
            m_engine.removeAgent(id, m_session.actor(), replyOnUi(this, [this](bool ok, const QString& t) { setStatus(ok, t); }));
    });
    connect(add, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Add agents"), QString(), tr("Agent configuration (*.json)"));
        if (!path.isEmpty())
            addFromFile(path);
    });
    connect(&m_session, &OperatorSession::roleChanged, this, [this] { showSelected(); });

    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("agentStatus"));
    m_status->setWordWrap(true);

    auto* buttons = new QHBoxLayout;
    for (QPushButton* b : {m_start, m_pause, m_resume, m_reduceOnly, m_kill, m_rearm, m_remove, add})
        buttons->addWidget(b);
    buttons->addStretch();
    auto* throttleRow = new QHBoxLayout;
    throttleRow->addWidget(new QLabel(tr("Throttle")));
    throttleRow->addWidget(m_slider, 1);
    throttleRow->addWidget(m_sliderValue);
    auto* details = new QVBoxLayout;
    details->addWidget(m_title);
    details->addWidget(m_policy);
    details->addLayout(throttleRow);
    details->addLayout(buttons);
    details->addWidget(m_status);
    auto* detailRow = new QHBoxLayout;
    detailRow->addLayout(details, 3);
    detailRow->addWidget(m_rationale, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(m_view, 1);
    layout->addLayout(detailRow);
    showSelected();
}

void AgentsPanel::update(const EngineSnapshot& s)
{
    const std::string keep = selectedId();
    m_model->update(s);
    if (!keep.empty() && selectedId() != keep)
        select(keep); // a reset (agent added or removed) loses the selection
    else if (keep.empty() && m_model->rowCount() > 0)
        m_view->selectRow(0);
    showSelected();
}

bool AgentsPanel::select(const std::string& id)
{
    const int row = m_model->rowOf(id);
    if (row < 0)
        return false;
    m_view->selectRow(row);
    return true;
}

std::string AgentsPanel::selectedId() const
{
    const auto rows = m_view->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return {};
    const AgentView* a = m_model->agentAt(rows.first().row());
    return a ? a->id : std::string();
}

QString AgentsPanel::statusText() const { return m_status->text(); }

void AgentsPanel::act(AgentAction action)
{
    const std::string id = selectedId();
    if (id.empty())
        return;
    m_engine.controlAgent(id, action, m_session.actor(), "from the window",
                          replyOnUi(this, [this](bool ok, const QString& t) { setStatus(ok, t); }));
}

void AgentsPanel::addFromFile(const QString& path)
{
    std::vector<AgentSpec> specs;
    std::string error;
    // The session's own regimes (its simulator configuration and detector), as at start.
    const RegimeNames& session = m_engine.sessionRegimes();
    if (!loadAgentSpecs(path.toStdString(), specs, error, session.names.empty() ? defaultRegimeNames() : session)) {
        setStatus(false, QString::fromStdString(error));
        return;
    }
    for (AgentSpec& spec : specs)
        m_engine.addAgent(std::move(spec), m_session.actor(),
                          replyOnUi(this, [this](bool ok, const QString& t) { setStatus(ok, t); }));
}

void AgentsPanel::setStatus(bool ok, const QString& text)
{
    m_status->setStyleSheet(ok ? QStringLiteral("color:#8fd19e;") : QStringLiteral("color:#ff8080; font-weight:bold;"));
    m_status->setText(text);
}

void AgentsPanel::showSelected()
{
    const int row = m_model->rowOf(selectedId());
    const AgentView* a = m_model->agentAt(row);
    const Role role = m_session.role();
    auto allowed = [&](AgentAction act) { return a && transition(a->state, act, role).allowed; };
    m_start->setEnabled(allowed(AgentAction::Start));
    m_pause->setEnabled(allowed(AgentAction::Pause));
    m_resume->setEnabled(allowed(AgentAction::Resume));
    m_reduceOnly->setEnabled(allowed(AgentAction::ReduceOnly));
    m_kill->setEnabled(allowed(AgentAction::Kill));
    m_rearm->setEnabled(allowed(AgentAction::Rearm));
    m_remove->setEnabled(a && !isLive(a->state));
    m_slider->setEnabled(a && a->state != AgentState::Killed);
    if (!a) {
        m_title->setText(tr("No agent selected"));
        m_policy->clear();
        m_rationale->clear();
        return;
    }
    m_title->setText(tr("<b>%1</b> <span style='background:%2; color:white; padding:2px;'>&nbsp;%3&nbsp;</span> %4")
                         .arg(QString::fromStdString(a->id), stateColour(a->state).name(),
                              QString::fromLatin1(toString(a->state)).toUpper(),
                              QString::fromStdString(a->stateReason).toHtmlEscaped()));
    const QString policy = policyText(*a);
    if (m_policy->toPlainText() != policy)
        m_policy->setPlainText(policy);
    const QString rationale = decisionText(*a);
    if (m_rationale->toPlainText() != rationale)
        m_rationale->setPlainText(rationale);
    const bool justSent = m_levelSent.isValid() && m_levelSent.elapsed() < 1000;
    if (!m_slider->isSliderDown() && (!justSent || a->throttle.level == m_slider->value()))
        m_slider->setValue(a->throttle.level);
}

} // namespace hm
