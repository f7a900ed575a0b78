#include "operator_session.h"

#include <QMetaObject>

namespace hm {

OperatorSession::OperatorSession(QString user, RiskManagerCheck check, QObject* parent)
    : QObject(parent), m_user(std::move(user)), m_check(std::move(check))
{
}

bool OperatorSession::signInRiskManager(const QString& passphrase, QString& error)
{
    if (!m_check) {
        error = tr("risk-manager sign-in is not available in this session");
        return false;
    }
    if (!m_check(passphrase, error))
        return false;
    m_role = Role::RiskManager;
    Q_EMIT roleChanged(m_role);
    return true;
}

void OperatorSession::signOut()
{
    if (m_role == Role::Trader)
        return;
    m_role = Role::Trader;
    Q_EMIT roleChanged(m_role);
}

Reply replyOnUi(QObject* context, std::function<void(bool ok, const QString& message)> onUi)
{
    QPointer<QObject> guard(context);
    return [guard, onUi](bool ok, const std::string& message) {
        QObject* target = guard.data();
        if (!target)
            return;
        const QString text = QString::fromStdString(message);
        QMetaObject::invokeMethod(
            target, [guard, onUi, ok, text] {
                if (guard)
                    onUi(ok, text);
            },
            Qt::QueuedConnection);
    };
}

} // namespace hm
