#pragma once
// Log lines from spdlog, appended on the UI thread and bounded in length. Lines from
// other threads wait in a bounded list and reach the panel in one queued call per
// batch: a burst of logging costs the window one event, never a backlog of them
// queued ahead of the operator's keystrokes.
#include <QPlainTextEdit>

#include <atomic>
#include <deque>
#include <mutex>

namespace hm {

class LogPanel : public QPlainTextEdit {
    Q_OBJECT
public:
    static constexpr int kMaxLines = 2000;
    explicit LogPanel(QWidget* parent = nullptr);
    // Safe from any thread: the line is queued to the UI thread.
    void post(int level, const QString& logger, const QString& message);
    std::uint64_t droppedLines() const { return m_dropped.load(); } // the oldest of a burst, beyond kMaxLines

private:
    void flush();

    struct Line {
        int level;
        QString text;
    };
    std::mutex m_mutex;
    std::deque<Line> m_pending;
    bool m_posted = false;
    std::atomic<std::uint64_t> m_dropped{0};
};

} // namespace hm
