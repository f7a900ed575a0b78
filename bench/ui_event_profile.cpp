#include "ui_event_profile.h"

#include <QEvent>
#include <QMetaEnum>
#include <QThread>

#include <algorithm>
#include <cstdio>

namespace {
std::string describe(QObject* receiver, QEvent* event)
{
    std::string name = receiver->metaObject()->className();
    for (QObject* o = receiver; o; o = o->parent())
        if (!o->objectName().isEmpty() && !o->objectName().startsWith(QLatin1String("qt_"))) {
            name += " in " + o->objectName().toStdString();
            break;
        }
    const char* type = QMetaEnum::fromType<QEvent::Type>().valueToKey(event->type());
    return name + ", " + (type ? type : std::to_string(static_cast<int>(event->type())));
}
} // namespace

bool ProfilingApplication::notify(QObject* receiver, QEvent* event)
{
    if (!m_enabled || QThread::currentThread() != thread())
        return QApplication::notify(receiver, event);
    // Named first: the event may delete its receiver (DeferredDelete).
    const std::string name = describe(receiver, event);
    m_stack.push_back(Frame{m_clock.nsecsElapsed(), 0});
    const bool result = QApplication::notify(receiver, event);
    const Frame f = m_stack.back();
    m_stack.pop_back();
    const qint64 total = m_clock.nsecsElapsed() - f.start;
    if (!m_stack.empty())
        m_stack.back().children += total;
    Cost& c = m_costs[name];
    c.ns += total - f.children;
    ++c.count;
    return result;
}

std::vector<std::string> ProfilingApplication::report(std::size_t top) const
{
    std::vector<std::pair<std::string, Cost>> all(m_costs.begin(), m_costs.end());
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.second.ns > b.second.ns; });
    std::vector<std::string> out;
    for (std::size_t i = 0; i < all.size() && i < top; ++i) {
        char line[512];
        std::snprintf(line, sizeof line, "%-70s %8.0f ms  (%llu, mean %.0f us)", all[i].first.c_str(),
                      static_cast<double>(all[i].second.ns) / 1e6, static_cast<unsigned long long>(all[i].second.count),
                      static_cast<double>(all[i].second.ns) / 1e3 / static_cast<double>(all[i].second.count));
        out.push_back(line);
    }
    return out;
}
