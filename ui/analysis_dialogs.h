#pragma once
// The analyst's tools in the window, over a journal file (the live session's own or a
// replayed one): the execution report (by agent and instrument, and by instrument), CSV export of a time range and the what-if of
// other limits. Each reads the journal read-only.
#include "model/types.h"

#include <QDialog>
#include <QString>

#include <string>
#include <utility>
#include <vector>

class QPlainTextEdit;
class QTableWidget;

namespace hm {

class ExecutionReportDialog : public QDialog {
    Q_OBJECT
public:
    ExecutionReportDialog(const QString& journalPath, QWidget* parent = nullptr);
    QTableWidget& table() { return *m_table; }             // by agent and instrument
    QTableWidget& instruments() { return *m_instruments; } // by instrument
    bool saveCsv(const QString& file) const;
    bool saveInstrumentsCsv(const QString& file) const;

private:
    QString m_journal;
    QTableWidget* m_table;
    QTableWidget* m_instruments;
};

// Runs the what-if and returns its text (or the error, naming the limit).
QString whatIfText(const QString& journalPath, const std::vector<std::pair<std::string, std::string>>& overrides);
void showTextDialog(QWidget* parent, const QString& title, const QString& text);
// Asks for a file and a range; returns a message for the status line.
QString exportRecordsDialog(QWidget* parent, const QString& journalPath, Timestamp from, Timestamp to);

} // namespace hm
