#pragma once
// Log lines from spdlog, appended on the UI thread and bounded in length.
#include <QPlainTextEdit>

namespace hm {

class LogPanel : public QPlainTextEdit {
    Q_OBJECT
public:
    explicit LogPanel(QWidget* parent = nullptr);
    // Safe from any thread: the line is queued to the UI thread.
    void post(int level, const QString& logger, const QString& message);

private:
    void append(int level, const QString& line);
};

} // namespace hm
