#include "limits_dialog.h"

#include "engine/engine_commands.h"
#include "operator_session.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace hm {

LimitsDialog::LimitsDialog(EngineCommands& engine, OperatorSession& session, const RiskLimits& current, QWidget* parent)
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
    m_reason = new QLineEdit;
    m_reason->setObjectName(QStringLiteral("limitReason"));
    m_reason->setPlaceholderText(tr("required: why this change (it goes into the audit trail)"));
    m_reason->setEnabled(editable);
    form->addRow(tr("Reason"), m_reason);
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
    layout->addLayout(form);
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
