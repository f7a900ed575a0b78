#include "order_id_prefix.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hm {

std::string base36(std::uint64_t v)
{
    static const char kDigits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    std::string out;
    do {
        out.insert(out.begin(), kDigits[v % 36]);
        v /= 36;
    } while (v > 0);
    return out;
}

namespace {
std::string why(const std::string& what, const std::string& path)
{
    return what + " '" + path + "': " + std::strerror(errno);
}

// The file holds one decimal number and a newline. Anything else is refused rather than
// guessed at: a number read wrong could hand out ids already used.
bool parseStored(const std::string& text, std::uint64_t& out)
{
    std::size_t end = text.size();
    while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == ' '))
        --end;
    if (end == 0 || end > 19)
        return false;
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < end; ++i) {
        if (text[i] < '0' || text[i] > '9')
            return false;
        v = v * 10 + static_cast<std::uint64_t>(text[i] - '0');
    }
    out = v;
    return true;
}

class Fd {
public:
    explicit Fd(int fd) : m_fd(fd) {}
    ~Fd()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    int get() const { return m_fd; }

private:
    int m_fd;
};
} // namespace

bool reserveOrderIdPrefix(const std::string& dataDirectory, std::int64_t wallSeconds, OrderIdPrefix& out,
                          std::string& error)
{
    const std::string dir = dataDirectory + "/state";
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
        error = why("cannot create", dir);
        return false;
    }
    const std::string path = dir + "/order-ids";
    Fd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (fd.get() < 0) {
        error = why("cannot open", path);
        return false;
    }
    if (::flock(fd.get(), LOCK_EX) != 0) { // held until the descriptor closes
        error = why("cannot lock", path);
        return false;
    }
    std::string text;
    char buf[64];
    for (ssize_t n; (n = ::read(fd.get(), buf, sizeof buf)) != 0;) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            error = why("cannot read", path);
            return false;
        }
        text.append(buf, static_cast<std::size_t>(n));
        if (text.size() > 64)
            break;
    }
    std::uint64_t stored = 0;
    if (!text.empty() && !parseStored(text, stored)) {
        error = "'" + path + "' does not hold a session number (it should be one decimal number); "
                "move it aside only if no session of this data directory has sent orders since it was written";
        return false;
    }
    const std::uint64_t next = std::max<std::uint64_t>(stored + 1, static_cast<std::uint64_t>(std::max<std::int64_t>(wallSeconds, 0)));
    const std::string line = std::to_string(next) + "\n";
    if (::ftruncate(fd.get(), 0) != 0 || ::pwrite(fd.get(), line.data(), line.size(), 0) != static_cast<ssize_t>(line.size())
        || ::fsync(fd.get()) != 0) {
        error = why("cannot write", path);
        return false;
    }
    out.number = next;
    out.prefix = "HM" + base36(next) + "-";
    return true;
}

} // namespace hm
