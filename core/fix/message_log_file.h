#pragma once
// A FIX message log that survives a crash of the process: each line is handed to the
// kernel with one write() as it is logged, with nothing buffered in the process, so
// a SIGKILL loses nothing already logged. (An OS crash or power loss can still lose
// what the kernel had not written out; the message store, not this log, is what a
// session resumes from.) Plain C++: no QuickFIX here, so tests can use it directly.
#include <mutex>
#include <string>

namespace hm {

class MessageLogFile {
public:
    explicit MessageLogFile(const std::string& path); // appends; created 0644 if missing
    ~MessageLogFile();
    MessageLogFile(const MessageLogFile&) = delete;
    MessageLogFile& operator=(const MessageLogFile&) = delete;

    bool isOpen() const { return m_fd >= 0; }
    std::string error() const; // why it could not be opened or written
    // One line, '\n' added. Thread-safe; lines from two threads never interleave.
    bool append(const std::string& line);

private:
    int m_fd = -1;
    std::string m_error;
    mutable std::mutex m_mutex;
};

} // namespace hm
