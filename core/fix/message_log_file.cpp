#include "fix/message_log_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace hm {

MessageLogFile::MessageLogFile(const std::string& path)
{
    m_fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (m_fd < 0)
        m_error = "cannot open '" + path + "': " + std::strerror(errno);
}

MessageLogFile::~MessageLogFile()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

std::string MessageLogFile::error() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_error;
}

bool MessageLogFile::append(const std::string& line)
{
    if (m_fd < 0)
        return false;
    std::string out = line;
    out += '\n';
    std::lock_guard<std::mutex> lock(m_mutex);
    const char* p = out.data();
    std::size_t left = out.size();
    while (left > 0) { // O_APPEND: a short write is continued, still at the end
        const ssize_t n = ::write(m_fd, p, left);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            m_error = std::string("write failed: ") + std::strerror(errno);
            return false;
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    return true;
}

} // namespace hm
