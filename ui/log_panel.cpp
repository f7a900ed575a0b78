#include "log_panel.h"

#include <QDateTime>
#include <QMetaObject>

namespace hm {

LogPanel::LogPanel(QWidget* parent) : QPlainTextEdit(parent)
{
    setReadOnly(true);
    setMaximumBlockCount(2000);
    setObjectName(QStringLiteral("logPanel"));
    QFont f(QStringLiteral("monospace"));
    f.setStyleHint(QFont::Monospace);
    f.setPointSize(9);
    setFont(f);
}

void LogPanel::post(int level, const QString& logger, const QString& message)
{
    static const char* names[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
    const QString line = QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss.zzz")) + QStringLiteral(" ")
        + QLatin1String(names[level < 0 || level > 6 ? 2 : level]) + QStringLiteral(" [") + logger + QStringLiteral("] ")
        + message;
    QMetaObject::invokeMethod(this, [this, level, line] { append(level, line); }, Qt::QueuedConnection);
}

void LogPanel::append(int level, const QString& line)
{
    const char* color = level >= 4 ? "#eb6464" : (level == 3 ? "#f0c850" : "#c8c8c8");
    appendHtml(QStringLiteral("<span style=\"color:%1\">%2</span>").arg(QLatin1String(color), line.toHtmlEscaped()));
}

} // namespace hm
