#pragma once
// Where the window's thread spends its time: every event the application delivers is
// timed, and its self time (less the events delivered inside it, such as the paint
// events of the widgets a window repaint reaches) is added up per receiver and event
// type. The receiver is named by its class and the nearest named ancestor (its dock),
// so a report line reads "QTableView in watchlistDock, Paint". GUI thread only.
#include <QApplication>
#include <QElapsedTimer>

#include <map>
#include <string>
#include <vector>

class ProfilingApplication : public QApplication {
public:
    ProfilingApplication(int& argc, char** argv) : QApplication(argc, argv) { m_clock.start(); }
    bool notify(QObject* receiver, QEvent* event) override;
    void setEnabled(bool on) { m_enabled = on; }
    // The `top` largest self times, "name: total ms (count, mean us)", largest first.
    std::vector<std::string> report(std::size_t top) const;

private:
    struct Frame {
        qint64 start = 0;
        qint64 children = 0;
    };
    struct Cost {
        qint64 ns = 0;
        std::uint64_t count = 0;
    };
    bool m_enabled = false;
    QElapsedTimer m_clock;
    std::vector<Frame> m_stack;
    std::map<std::string, Cost> m_costs;
};
