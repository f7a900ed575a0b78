#pragma once
// One end of a FIX 4.4 session over a plain socket, written by hand so that a test can
// send what QuickFIX would refuse to build: a hostile client for the venue, or a fake
// broker for the gateway.
#include <QDateTime>
#include <QElapsedTimer>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace hm::test {

const char kSoh = '\x01';

struct Msg {
    std::vector<std::pair<int, std::string>> fields;
    std::string raw;
    bool has(int tag) const
    {
        for (const auto& f : fields)
            if (f.first == tag)
                return true;
        return false;
    }
    std::string get(int tag) const
    {
        for (const auto& f : fields)
            if (f.first == tag)
                return f.second;
        return {};
    }
    std::vector<std::string> all(int tag) const
    {
        std::vector<std::string> out;
        for (const auto& f : fields)
            if (f.first == tag)
                out.push_back(f.second);
        return out;
    }
    std::string type() const { return get(35); }
};

inline std::string nowStamp()
{
    return QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HH:mm:ss.zzz")).toStdString();
}

// Framing (BodyLength, CheckSum) and sequence
// numbers are always right; it answers TestRequests and ResendRequests (with a gap
// fill) so that the session stays up whatever the bodies say.
class RawPeer {
public:
    RawPeer(int fd, std::string sender, std::string target)
        : m_fd(fd), m_sender(std::move(sender)), m_target(std::move(target))
    {
        timeval tv{5, 0}; // a counterparty that stops reading fails the test, never hangs it
        ::setsockopt(m_fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        m_closed = m_fd < 0;
    }
    ~RawPeer()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    // A socket listening on a free loopback port; `port` is set to it.
    static int listenOnLoopback(int& port)
    {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
        ::listen(fd, 4);
        socklen_t len = sizeof(a);
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
        port = ntohs(a.sin_port);
        return fd;
    }
    static int connectTo(int port)
    {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<uint16_t>(port));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
            ::close(fd);
            return -1;
        }
        return fd;
    }

    // Body: "tag=value\x01..." after the standard header. Returns the MsgSeqNum used.
    int send(const std::string& type, const std::string& body)
    {
        const int seq = m_seq++;
        sendWithSeq(type, seq, body);
        return seq;
    }
    void sendWithSeq(const std::string& type, int seq, const std::string& body) { sendBytes(frame(type, seq, body)); }
    // A whole message, framed as sendWithSeq would; a test may spoil it before sendBytes.
    std::string frame(const std::string& type, int seq, const std::string& body) const
    {
        std::string b = "35=" + type + kSoh + "49=" + m_sender + kSoh + "56=" + m_target + kSoh + "34="
            + std::to_string(seq) + kSoh + "52=" + nowStamp() + kSoh + body;
        std::string msg = std::string("8=FIX.4.4") + kSoh + "9=" + std::to_string(b.size()) + kSoh + b;
        unsigned sum = 0;
        for (unsigned char c : msg)
            sum += c;
        char cs[8];
        std::snprintf(cs, sizeof(cs), "%03u", sum % 256);
        msg += "10=" + std::string(cs) + kSoh;
        return msg;
    }
    // Takes the next sequence number for a message the test frames itself.
    int takeSeq() { return m_seq++; }
    void sendBytes(const std::string& msg)
    {
        std::size_t off = 0;
        while (off < msg.size()) {
            const ssize_t n = ::send(m_fd, msg.data() + off, msg.size() - off, MSG_NOSIGNAL);
            if (n <= 0) {
                m_closed = true;
                return;
            }
            off += static_cast<std::size_t>(n);
        }
    }

    // Reads for up to `ms` (returns early once `done` says so); parses whole messages.
    template <typename Done>
    bool pumpUntil(int ms, Done done)
    {
        QElapsedTimer t;
        t.start();
        while (!done()) {
            if (m_closed || t.elapsed() > ms)
                return done();
            pollfd p{m_fd, POLLIN, 0};
            if (::poll(&p, 1, 20) <= 0)
                continue;
            char buf[65536];
            const ssize_t n = ::recv(m_fd, buf, sizeof(buf), 0);
            if (n <= 0) {
                m_closed = true;
                continue;
            }
            m_in.append(buf, static_cast<std::size_t>(n));
            parse();
        }
        return true;
    }
    void pump(int ms)
    {
        pumpUntil(ms, [] { return false; });
    }
    // Everything the counterparty sent before this returns has been read.
    bool sync()
    {
        const std::string id = "SYNC" + std::to_string(++m_syncs);
        const std::size_t from = received.size();
        send("1", "112=" + id + kSoh);
        return pumpUntil(5000, [&] {
            for (std::size_t i = from; i < received.size(); ++i)
                if (received[i].type() == "0" && received[i].get(112) == id)
                    return true;
            return false;
        });
    }
    bool closed() const { return m_closed; }
    void setSeq(int next) { m_seq = next; }

    std::vector<Msg> received;

private:
    void parse()
    {
        for (;;) {
            const std::size_t start = m_in.find("8=FIX");
            if (start == std::string::npos)
                return;
            const std::size_t lenAt = m_in.find(std::string(1, kSoh) + "9=", start);
            if (lenAt == std::string::npos)
                return;
            const std::size_t lenEnd = m_in.find(kSoh, lenAt + 1);
            if (lenEnd == std::string::npos)
                return;
            const std::size_t bodyLen = std::stoul(m_in.substr(lenAt + 3, lenEnd - lenAt - 3));
            const std::size_t end = lenEnd + 1 + bodyLen + 7; // "10=NNN\x01"
            if (m_in.size() < end)
                return;
            Msg m;
            m.raw = m_in.substr(start, end - start);
            std::size_t pos = 0;
            while (pos < m.raw.size()) {
                const std::size_t eq = m.raw.find('=', pos);
                const std::size_t soh = m.raw.find(kSoh, pos);
                if (eq == std::string::npos || soh == std::string::npos || eq > soh)
                    break;
                m.fields.emplace_back(std::atoi(m.raw.substr(pos, eq - pos).c_str()), m.raw.substr(eq + 1, soh - eq - 1));
                pos = soh + 1;
            }
            m_in.erase(0, end);
            answer(m);
            received.push_back(std::move(m));
        }
    }
    void answer(const Msg& m)
    {
        if (m.type() == "1") {
            send("0", "112=" + m.get(112) + kSoh);
        } else if (m.type() == "2") {
            // Nothing of ours is worth resending: fill the gap.
            sendWithSeq("4", std::atoi(m.get(7).c_str()),
                        std::string("43=Y") + kSoh + "122=" + nowStamp() + kSoh + "123=Y" + kSoh + "36="
                            + std::to_string(m_seq) + kSoh);
        }
    }

    int m_fd = -1;
    std::string m_sender, m_target;
    int m_seq = 1;
    int m_syncs = 0;
    bool m_closed = false;
    std::string m_in;
};

} // namespace hm::test
