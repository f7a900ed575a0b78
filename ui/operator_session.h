#pragma once
// Who sits at the window and in which role. The window starts as a trader; the
// risk-manager role needs the passphrase, checked by a function the composition root
// supplies (the UI never sees how credentials are stored). Engine replies arrive on
// the engine thread; replyOnUi() carries them back to the window's thread.
#include "engine/engine_commands.h"

#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>

namespace hm {

// Returns true when the passphrase is right; otherwise sets `error`.
using RiskManagerCheck = std::function<bool(const QString& passphrase, QString& error)>;

class OperatorSession : public QObject {
    Q_OBJECT
public:
    OperatorSession(QString user, RiskManagerCheck check, QObject* parent = nullptr);

    Role role() const { return m_role; }
    bool isRiskManager() const { return m_role == Role::RiskManager; }
    Actor actor() const { return Actor{m_user.toStdString(), m_role}; }
    QString user() const { return m_user; }
    bool canSignIn() const { return static_cast<bool>(m_check); }

    bool signInRiskManager(const QString& passphrase, QString& error);
    void signOut(); // back to trader

Q_SIGNALS:
    void roleChanged(hm::Role role);

private:
    QString m_user;
    RiskManagerCheck m_check;
    Role m_role = Role::Trader;
};

// Wraps a UI callback as an engine Reply: it runs later on `context`'s thread, and
// not at all if `context` is gone by then.
Reply replyOnUi(QObject* context, std::function<void(bool ok, const QString& message)> onUi);

} // namespace hm
