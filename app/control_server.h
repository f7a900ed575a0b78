#pragma once
// The control channel: a Unix-domain socket (owner-only) that takes one JSON object
// per line and answers with one JSON line. It drives the same engine commands, and so
// the same audit trail, as the window. Commands and replies: docs/control.md.
//
// Every connection is served on its own thread, so an idle or slow client never delays
// another one's kill. Whatever arrives (bytes that are not UTF-8, lines that never end,
// deep nesting, wrong types) is answered with {"ok": false, "message": ...}; nothing a
// client sends can end the process.
#include "credentials.h"

#include "utf8.h"

#include <atomic>
#include <cstddef>
#include <list>
#include <memory>
#include <string>
#include <thread>

namespace hm {

class EngineCommands;
class JournalWriter;

struct ControlServerOptions {
    int maxConnections = 32;          // beyond this the least recently active one is closed
    double idleSeconds = 30;          // a connection without a complete request for this long is closed
    std::size_t maxLineBytes = 65536; // a longer request line is refused and the connection closed
    int maxDepth = 16;                // JSON nesting
};


class ControlServer {
public:
    // journal: where refused risk-manager passphrases are audited (may be null).
    ControlServer(EngineCommands& engine, std::string socketPath, std::string dataDirectory, JournalWriter* journal = nullptr,
                  ControlServerOptions options = {});
    ~ControlServer();
    void start(); // throws std::runtime_error if the socket cannot be made
    void stop();

    // One request line -> one reply line (no newline). Never throws. Public for tests.
    std::string handleLine(const std::string& line, const std::string& peer);

private:
    struct Connection;
    void run();
    void serve(Connection& c);
    void admit(int fd);
    std::string handle(const std::string& line, const std::string& peer);
    void auditRefusal(const std::string& peer, const PassphraseGuard::Outcome& o);

    EngineCommands& m_engine;
    std::string m_path;
    std::string m_dataDirectory;
    JournalWriter* m_journal;
    ControlServerOptions m_options;
    PassphraseGuard m_guard;
    int m_listen = -1;
    std::atomic<bool> m_running{false};
    std::thread m_thread;
    std::list<std::unique_ptr<Connection>> m_connections; // the accepting thread's only
};

} // namespace hm
