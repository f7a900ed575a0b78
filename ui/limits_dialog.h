#pragma once
// The limits editor. Everyone can read the gate's limits here; only a signed-in risk
// manager can change them. Values are validated field by field before anything is
// sent, a reason is required, and the engine applies all changes or none, from the
// next order on.
#include "engine/snapshot.h"

#include <QDialog>

#include <map>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QTableWidget;

namespace hm {

class EngineCommands;
class OperatorSession;

class LimitsDialog : public QDialog {
    Q_OBJECT
public:
    // `instruments`: the rows of the per-instrument table.
    LimitsDialog(EngineCommands& engine, OperatorSession& session, const RiskLimits& current,
                 const std::vector<std::string>& instruments, QWidget* parent = nullptr);

    QLineEdit* field(const std::string& name) const;
    // The per-instrument table: a row per instrument, a column per field that can be
    // set per instrument; an empty cell takes the desk-wide value.
    QTableWidget& instrumentTable() { return *m_instrumentTable; }
    QLineEdit& reason() { return *m_reason; }
    QString errorText() const;
    // Validates and sends. Returns false (and shows why) when nothing was sent.
    bool submit();

Q_SIGNALS:
    void applied(const QString& summary);
    // The edited values, to be tried against a journal before anything is applied.
    void previewRequested(const std::vector<std::pair<std::string, std::string>>& overrides);

private:
    std::vector<std::pair<std::string, std::string>> changedFields(QString& error) const;
    void showError(const QString& text);

    EngineCommands& m_engine;
    OperatorSession& m_session;
    RiskLimits m_current;
    std::map<std::string, QLineEdit*> m_fields;
    QTableWidget* m_instrumentTable;
    QLineEdit* m_reason;
    QLabel* m_error;
    QDialogButtonBox* m_buttons;
};

} // namespace hm
