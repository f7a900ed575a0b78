#pragma once
// The control channel: a Unix-domain socket (owner-only) that takes one JSON object
// per line and answers with one JSON line. It drives the same engine commands, and so
// the same audit trail, as the window. Commands and replies: docs/control.md.
#include <atomic>
#include <string>
#include <thread>

namespace hm {

class Engine;

class ControlServer {
public:
    ControlServer(Engine& engine, std::string socketPath, std::string dataDirectory);
    ~ControlServer();
    void start(); // throws std::runtime_error if the socket cannot be made
    void stop();

    // One request line -> one reply line (no newline). Public for tests.
    std::string handleLine(const std::string& line, const std::string& peer);

private:
    void run();
    void serve(int fd);

    Engine& m_engine;
    std::string m_path;
    std::string m_dataDirectory;
    int m_listen = -1;
    std::atomic<bool> m_running{false};
    std::thread m_thread;
};

} // namespace hm
