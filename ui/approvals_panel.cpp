#include "approvals_panel.h"

#include "agent_table_model.h"
#include "engine/engine_commands.h"
#include "model/types.h"
#include "operator_session.h"
#include "table_view.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace hm {

namespace {

// The countdown as a shrinking bar that turns red in its last quarter.
class CountdownDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter* p, const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        const double left = index.data(ApprovalTableModel::FractionLeftRole).toDouble();
        QRect bar = option.rect.adjusted(2, 3, -2, -3);
        p->fillRect(bar, QColor(45, 50, 58));
        bar.setWidth(static_cast<int>(bar.width() * std::clamp(left, 0.0, 1.0)));
        p->fillRect(bar, left < 0.25 ? QColor(180, 50, 50) : QColor(170, 130, 40));
        QStyledItemDelegate::paint(p, option, index);
    }
};

} // namespace

ApprovalTableModel::ApprovalTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void ApprovalTableModel::update(const EngineSnapshot& s)
{
    for (const auto& b : s.books)
        m_tick[b.instrument.symbol] = b.instrument.tickSize;
    const bool same = s.approvals.size() == m_rows.size()
        && std::equal(s.approvals.begin(), s.approvals.end(), m_rows.begin(),
                      [](const ApprovalView& a, const ApprovalView& b) { return a.id == b.id; });
    if (same)
        return;
    beginResetModel();
    m_rows = s.approvals;
    endResetModel();
}

void ApprovalTableModel::tick(Timestamp now)
{
    m_now = now;
    if (!m_rows.empty())
        Q_EMIT dataChanged(index(0, TimeLeft), index(rowCount() - 1, TimeLeft));
}

int ApprovalTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ApprovalTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

const ApprovalView* ApprovalTableModel::ticketAt(int row) const
{
    return row >= 0 && row < rowCount() ? &m_rows[static_cast<std::size_t>(row)] : nullptr;
}

int ApprovalTableModel::rowOf(std::uint64_t ticket) const
{
    for (std::size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].id == ticket)
            return static_cast<int>(i);
    return -1;
}

QVariant ApprovalTableModel::data(const QModelIndex& index, int role) const
{
    const ApprovalView* t = ticketAt(index.row());
    if (!t)
        return {};
    const double secondsLeft = std::max<double>(0.0, static_cast<double>(t->deadline - m_now) / 1e9);
    const double total = std::max<double>(1e-9, static_cast<double>(t->deadline - t->created) / 1e9);
    if (role == FractionLeftRole)
        return secondsLeft / total;
    if (role == Qt::ToolTipRole)
        return QString::fromStdString(t->proposal.why.summary);
    if (role == Qt::ForegroundRole && index.column() == SideCol)
        return t->proposal.side == Side::Buy ? QColor(110, 170, 255) : QColor(255, 120, 120);
    if (role != Qt::DisplayRole)
        return {};
    const auto tick = m_tick.find(t->proposal.symbol);
    switch (index.column()) {
    case Ticket: return QVariant::fromValue<qulonglong>(t->id);
    case Agent: return QString::fromStdString(t->agent);
    case SymbolCol: return QString::fromStdString(t->proposal.symbol);
    case SideCol: return QString::fromLatin1(toString(t->proposal.side));
    case Qty: return QVariant::fromValue<qlonglong>(t->proposal.qty);
    case PriceCol:
        if (t->proposal.isParent()) // worked by an execution agent over its horizon
            return tr("%1, %2 min").arg(QString::fromStdString(t->proposal.executor)).arg(t->proposal.horizonS / 60, 0, 'f', 0);
        if (t->proposal.type == OrderType::Market)
            return tr("market");
        return tick == m_tick.end() ? QString::number(t->proposal.price)
                                    : QString::number(static_cast<double>(t->proposal.price) * tick->second, 'f', 2);
    case Why: return QString::fromStdString(t->why);
    case TimeLeft: return QStringLiteral("%1 s").arg(secondsLeft, 0, 'f', 1);
    default: return {};
    }
}

QVariant ApprovalTableModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char* names[] = {"Ticket", "Agent", "Instrument", "Side", "Qty", "Price / parent", "Needs approval because",
                                  "Time left"};
    return tr(names[section]);
}

ApprovalsPanel::ApprovalsPanel(EngineCommands& engine, OperatorSession& session, QWidget* parent)
    : QWidget(parent), m_engine(engine), m_session(session)
{
    m_model = new ApprovalTableModel(this);
    m_view = makeTableView(m_model, QStringLiteral("approvalsView"), 22, QAbstractItemView::SingleSelection);
    m_view->setItemDelegateForColumn(ApprovalTableModel::TimeLeft, new CountdownDelegate(m_view));
    for (auto [column, width] : {std::pair{ApprovalTableModel::Ticket, 50}, {ApprovalTableModel::Agent, 80},
                                 {ApprovalTableModel::SymbolCol, 55}, {ApprovalTableModel::SideCol, 45}, {ApprovalTableModel::Qty, 60},
                                 {ApprovalTableModel::PriceCol, 90}, {ApprovalTableModel::Why, 200}})
        m_view->setColumnWidth(column, width);
    m_view->setMinimumHeight(24 + 3 * 22);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] { showSelected(); });
    connect(m_view, &QTableView::doubleClicked, this, [this] { approveSelected(); });

    m_rationale = new QPlainTextEdit;
    m_rationale->setObjectName(QStringLiteral("approvalRationale"));
    m_rationale->setReadOnly(true);
    m_rationale->setMaximumHeight(100);
    m_rationale->setFont(QFont(QStringLiteral("DejaVu Sans Mono"), 9));

    m_approve = new QPushButton(tr("Approve"));
    m_approve->setObjectName(QStringLiteral("approve"));
    m_approve->setStyleSheet(QStringLiteral("QPushButton { background:#1f6b3a; color:white; }"));
    m_reject = new QPushButton(tr("Reject"));
    m_reject->setObjectName(QStringLiteral("reject"));
    m_approveAll = new QPushButton(tr("Approve all of agent"));
    m_approveAll->setToolTip(tr("Approve every proposal the selected ticket's agent has waiting"));
    m_approveAll->setObjectName(QStringLiteral("approveAll"));
    connect(m_approve, &QPushButton::clicked, this, [this] { approveSelected(); });
    connect(m_reject, &QPushButton::clicked, this, [this] { rejectSelected(); });
    connect(m_approveAll, &QPushButton::clicked, this, [this] { approveAllOfAgent(); });
    m_status = new QLabel;
    m_status->setWordWrap(true);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_approve);
    buttons->addWidget(m_reject);
    buttons->addWidget(m_approveAll);
    buttons->addStretch();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_rationale);
    layout->addLayout(buttons);
    layout->addWidget(m_status);

    auto* timer = new QTimer(this); // countdowns move between snapshots too
    connect(timer, &QTimer::timeout, this, [this] { m_model->tick(wallNs()); });
    timer->start(200);
    showSelected();
}

void ApprovalsPanel::update(const EngineSnapshot& s)
{
    const std::uint64_t keep = selectedTicket();
    m_model->update(s);
    m_model->tick(wallNs());
    if (keep && selectedTicket() != keep && !select(keep) && m_model->rowCount() > 0)
        m_view->selectRow(0); // the selected ticket was decided or expired: move to the next
    else if (!keep && m_model->rowCount() > 0)
        m_view->selectRow(0);
    showSelected();
}

bool ApprovalsPanel::select(std::uint64_t ticket)
{
    const int row = m_model->rowOf(ticket);
    if (row < 0)
        return false;
    m_view->selectRow(row);
    return true;
}

std::uint64_t ApprovalsPanel::selectedTicket() const
{
    const auto rows = m_view->selectionModel()->selectedRows();
    const ApprovalView* t = rows.isEmpty() ? nullptr : m_model->ticketAt(rows.first().row());
    return t ? t->id : 0;
}

QString ApprovalsPanel::statusText() const { return m_status->text(); }

void ApprovalsPanel::decide(bool approve, bool allOfAgent)
{
    const ApprovalView* t = m_model->ticketAt(m_model->rowOf(selectedTicket()));
    if (!t)
        return;
    m_engine.decide(allOfAgent ? 0 : t->id, t->agent, approve, m_session.actor(),
                    replyOnUi(this, [this](bool ok, const QString& text) {
                        m_status->setStyleSheet(ok ? QString() : QStringLiteral("color:#ff8080; font-weight:bold;"));
                        m_status->setText(text);
                    }));
}

void ApprovalsPanel::showSelected()
{
    const ApprovalView* t = m_model->ticketAt(m_model->rowOf(selectedTicket()));
    for (QPushButton* b : {m_approve, m_reject, m_approveAll})
        b->setEnabled(t != nullptr);
    QString text;
    if (!t) {
        text = tr("No proposal waiting.");
    } else {
        text = tr("#%1 %2: ").arg(t->id).arg(QString::fromStdString(t->agent)) + rationaleText(t->proposal.why);
    }
    if (m_rationale->toPlainText() != text)
        m_rationale->setPlainText(text);
}

} // namespace hm
