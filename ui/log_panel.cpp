#include "log_panel.h"

#include <QDateTime>
#include <QMetaObject>

namespace hm {

LogPanel::LogPanel(QWidget* parent) : QPlainTextEdit(parent)
{
    setReadOnly(true);
    setMaximumBlockCount(kMaxLines);
    setObjectName(QStringLiteral("logPanel"));
    QFont f(QStringLiteral("monospace"));
    f.setStyleHint(QFont::Monospace);
    f.setPointSize(9);
    setFont(f);
}

void LogPanel::post(int level, const QString& logger, const QString& message)
{
    static const char* names[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
    QString line = QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss.zzz")) + QStringLiteral(" ")
        + QLatin1String(names[level < 0 || level > 6 ? 2 : level]) + QStringLiteral(" [") + logger + QStringLiteral("] ")
        + message;
    bool post = false;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_pending.push_back(Line{level, std::move(line)});
        if (m_pending.size() > static_cast<std::size_t>(kMaxLines)) { // the panel would drop them anyway
            m_pending.pop_front();
            ++m_dropped;
        }
        post = !m_posted;
        m_posted = true;
    }
    if (post)
        QMetaObject::invokeMethod(this, [this] { flush(); }, Qt::QueuedConnection);
}

void LogPanel::flush()
{
    std::deque<Line> lines;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        lines.swap(m_pending);
        m_posted = false;
    }
    for (const Line& l : lines) {
        const char* color = l.level >= 4 ? "#eb6464" : (l.level == 3 ? "#f0c850" : "#c8c8c8");
        appendHtml(QStringLiteral("<span style=\"color:%1\">%2</span>").arg(QLatin1String(color), l.text.toHtmlEscaped()));
    }
}

} // namespace hm
