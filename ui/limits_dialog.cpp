#include "limits_dialog.h"

#include "engine/engine_commands.h"
#include "operator_session.h"

#include <algorithm>

#include <QColor>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace hm {

namespace {
constexpr int kOriginalRole = Qt::UserRole + 1;

// An instrument's own value for a field, or "" where it takes the desk-wide one.
QString ownValue(const RiskLimits& limits, const std::string& symbol, const std::string& field)
{
    std::string v;
    limitValue(limits, field + "@" + symbol, v);
    return v == "default" ? QString() : QString::fromStdString(v);
}
} // namespace

LimitsDialog::LimitsDialog(EngineCommands& engine, OperatorSession& session, const RiskLimits& current,
                           const std::vector<std::string>& instruments, QWidget* parent)
    : QDialog(parent), m_engine(engine), m_session(session), m_current(current)
{
    setObjectName(QStringLiteral("limitsDialog"));
    const bool editable = session.isRiskManager();
    setWindowTitle(editable ? tr("Risk limits — editing as %1 (risk manager)").arg(session.user())
                            : tr("Risk limits — read only (sign in as risk manager to change)"));
    auto* form = new QFormLayout;
    for (const LimitField& f : limitFields()) {
        std::string value;
        limitValue(current, f.name, value);
        auto* edit = new QLineEdit(QString::fromStdString(value));
        edit->setObjectName(QStringLiteral("limit_") + QString::fromLatin1(f.name));
        edit->setReadOnly(!editable);
        edit->setToolTip(QString::fromLatin1(f.description));
        edit->setProperty("original", QString::fromStdString(value));
        connect(edit, &QLineEdit::textChanged, this, [edit](const QString& text) {
            const bool changed = text != edit->property("original").toString();
            edit->setStyleSheet(changed ? QStringLiteral("background:#3d3a1c;") : QString());
        });
        m_fields[f.name] = edit;
        auto* label = new QLabel(QStringLiteral("%1 <span style='color:#888'>(%2)</span>")
                                     .arg(QString::fromLatin1(f.name), QString::fromLatin1(f.unit)));
        label->setToolTip(QString::fromLatin1(f.description));
        form->addRow(label, edit);
    }
    // Each instrument's own limits: rows are the session's instruments plus any other
    // instrument that already has one.
    std::vector<std::string> rows = instruments;
    for (const auto& kv : current.instrumentOverrides)
        if (std::find(rows.begin(), rows.end(), kv.first) == rows.end())
            rows.push_back(kv.first);
    const auto& columns = instrumentLimitFields();
    m_instrumentTable = new QTableWidget(static_cast<int>(rows.size()), static_cast<int>(columns.size()));
    m_instrumentTable->setObjectName(QStringLiteral("instrumentLimits"));
    QStringList headers;
    for (const auto& c : columns)
        headers << QString::fromStdString(c);
    m_instrumentTable->setHorizontalHeaderLabels(headers);
    m_instrumentTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_instrumentTable->setEditTriggers(editable ? QAbstractItemView::AllEditTriggers : QAbstractItemView::NoEditTriggers);
    for (int r = 0; r < static_cast<int>(rows.size()); ++r) {
        m_instrumentTable->setVerticalHeaderItem(r, new QTableWidgetItem(QString::fromStdString(rows[r])));
        for (int c = 0; c < static_cast<int>(columns.size()); ++c) {
            std::string desk;
            limitValue(current, columns[c], desk);
            const QString own = ownValue(current, rows[r], columns[c]);
            auto* item = new QTableWidgetItem(own);
            item->setData(kOriginalRole, own);
            item->setToolTip(tr("%1 for %2; empty takes the desk-wide %3")
                                 .arg(QString::fromStdString(columns[c]), QString::fromStdString(rows[r]),
                                      QString::fromStdString(desk)));
            m_instrumentTable->setItem(r, c, item);
        }
    }
    connect(m_instrumentTable, &QTableWidget::itemChanged, this, [](QTableWidgetItem* item) {
        const bool changed = item->text().trimmed() != item->data(kOriginalRole).toString();
        item->setBackground(changed ? QColor(0x3d, 0x3a, 0x1c) : QColor(Qt::transparent));
    });
    auto* deskPage = new QWidget;
    deskPage->setLayout(form);
    auto* instrumentPage = new QWidget;
    auto* instrumentLayout = new QVBoxLayout(instrumentPage);
    auto* hint = new QLabel(tr("An instrument's own limit replaces the desk-wide one for that instrument; "
                               "an empty cell takes the desk-wide value."));
    hint->setWordWrap(true);
    instrumentLayout->addWidget(hint);
    instrumentLayout->addWidget(m_instrumentTable);
    auto* tabs = new QTabWidget;
    tabs->setObjectName(QStringLiteral("limitsTabs"));
    tabs->addTab(deskPage, tr("Desk-wide"));
    tabs->addTab(instrumentPage, tr("Per instrument"));

    auto* bottom = new QFormLayout;
    m_reason = new QLineEdit;
    m_reason->setObjectName(QStringLiteral("limitReason"));
    m_reason->setPlaceholderText(tr("required: why this change (it goes into the audit trail)"));
    m_reason->setEnabled(editable);
    bottom->addRow(tr("Reason"), m_reason);
    m_error = new QLabel;
    m_error->setObjectName(QStringLiteral("limitsError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color:#ff8080; font-weight:bold;"));
    m_buttons = new QDialogButtonBox(editable ? QDialogButtonBox::Apply | QDialogButtonBox::Close : QDialogButtonBox::Close);
    if (editable)
        connect(m_buttons->button(QDialogButtonBox::Apply), &QPushButton::clicked, this, [this] { submit(); });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    QPushButton* preview = m_buttons->addButton(tr("Preview against the journal…"), QDialogButtonBox::ActionRole);
    preview->setObjectName(QStringLiteral("previewLimits"));
    preview->setToolTip(tr("Re-check today's orders under these limits: what they would have blocked, and the P&L and shortfall difference"));
    connect(preview, &QPushButton::clicked, this, [this] {
        QString error;
        auto changes = changedFields(error);
        if (!error.isEmpty())
            return showError(error);
        Q_EMIT previewRequested(changes);
    });
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(tabs);
    layout->addLayout(bottom);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);
}

QLineEdit* LimitsDialog::field(const std::string& name) const
{
    const auto it = m_fields.find(name);
    return it == m_fields.end() ? nullptr : it->second;
}

QString LimitsDialog::errorText() const { return m_error->text(); }

void LimitsDialog::showError(const QString& text) { m_error->setText(text); }

std::vector<std::pair<std::string, std::string>> LimitsDialog::changedFields(QString& error) const
{
    std::vector<std::pair<std::string, std::string>> changes;
    RiskLimits check = m_current;
    for (const LimitField& f : limitFields()) {
        const QLineEdit* edit = m_fields.at(f.name);
        const QString text = edit->text().trimmed();
        if (text == edit->property("original").toString())
            continue;
        const std::string problem = setLimit(check, f.name, text.toStdString());
        if (!problem.empty()) {
            error = QString::fromStdString(problem);
            return {};
        }
        changes.emplace_back(f.name, text.toStdString());
    }
    const auto& columns = instrumentLimitFields();
    for (int r = 0; r < m_instrumentTable->rowCount(); ++r)
        for (int c = 0; c < m_instrumentTable->columnCount(); ++c) {
            const QTableWidgetItem* item = m_instrumentTable->item(r, c);
            const QString text = item->text().trimmed();
            if (text == item->data(kOriginalRole).toString())
                continue;
            const std::string name = columns[c] + "@" + m_instrumentTable->verticalHeaderItem(r)->text().toStdString();
            const std::string value = text.isEmpty() ? std::string("default") : text.toStdString();
            const std::string problem = setLimit(check, name, value);
            if (!problem.empty()) {
                error = QString::fromStdString(problem);
                return {};
            }
            changes.emplace_back(name, value);
        }
    return changes;
}

bool LimitsDialog::submit()
{
    if (!m_session.isRiskManager()) {
        showError(tr("Changing limits needs the risk manager: sign in first."));
        return false;
    }
    QString error;
    auto changes = changedFields(error);
    if (!error.isEmpty()) {
        showError(error);
        return false;
    }
    if (changes.empty()) {
        showError(tr("Nothing changed."));
        return false;
    }
    if (m_reason->text().trimmed().isEmpty()) {
        showError(tr("A reason is required for a limit change."));
        m_reason->setFocus();
        return false;
    }
    showError(QString());
    m_buttons->setEnabled(false);
    m_engine.changeLimits(std::move(changes), m_session.actor(), m_reason->text().trimmed().toStdString(),
                          replyOnUi(this, [this](bool ok, const QString& message) {
                              m_buttons->setEnabled(true);
                              if (!ok) {
                                  showError(message);
                                  return;
                              }
                              Q_EMIT applied(message);
                              accept();
                          }));
    return true;
}

} // namespace hm
