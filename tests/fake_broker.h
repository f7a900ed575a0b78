#pragma once
// A fake broker the gateway connects to: a listening socket on loopback and, once the
// gateway has connected, a RawPeer that answers its Logon. The test writes the rest.
// GatewayUnderTest: a gateway (HMX only) connected to one, its events recorded.
#include "fix_test_support.h"
#include "raw_fix_peer.h"
#include "fix/instrument_list.h"

#include <memory>
#include <string>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace hm::test {

class FakeBroker {
public:
    FakeBroker()
    {
        m_listen = RawPeer::listenOnLoopback(m_port);
    }
    ~FakeBroker() { ::close(m_listen); }
    int port() const { return m_port; }

    // Accepts the gateway, answers its Logon and waits for its market data request.
    bool acceptGateway(int ms)
    {
        pollfd p{m_listen, POLLIN, 0};
        if (::poll(&p, 1, ms) <= 0)
            return false;
        peer.reset(new RawPeer(::accept(m_listen, nullptr, nullptr), "HMVENUE", "HELMSMAN"));
        if (!peer->pumpUntil(ms, [&] { return has("A"); }))
            return false;
        peer->send("A", std::string("98=0") + kSoh + "108=5" + kSoh);
        return peer->pumpUntil(ms, [&] { return has("V"); });
    }
    bool has(const std::string& type) const
    {
        for (const auto& m : peer->received)
            if (m.type() == type)
                return true;
        return false;
    }
    // Waits for the gateway's Reject (session or business level) of our message `seq`.
    bool rejected(int seq, int ms)
    {
        return peer->pumpUntil(ms, [&] {
            for (const auto& m : peer->received)
                if ((m.type() == "3" || m.type() == "j") && m.get(45) == std::to_string(seq))
                    return true;
            return false;
        });
    }
    std::unique_ptr<RawPeer> peer;

private:
    int m_listen = -1;
    int m_port = 0;
};


inline std::string fld(int tag, const std::string& v) { return std::to_string(tag) + "=" + v + kSoh; }

struct GatewayUnderTest {
    QTemporaryDir dir;
    FakeBroker broker;
    RecordingListener listener;
    std::unique_ptr<FixGateway> gateway;
    GatewayUnderTest()
    {
        const std::string settings = writeEmbeddedSessionSettings(
            dir.filePath("fix").toStdString(), broker.port(), std::string(HM_TEST_RESOURCES) + "/fix/FIX44.xml", "pw",
            {"HMX"});
        GatewayConfig gc;
        gc.settingsFile = settings;
        gc.instruments = {defaultInstrument()};
        gateway = std::make_unique<FixGateway>(gc);
        gateway->setListener(&listener);
        gateway->start();
    }
    bool eventMentions(const std::string& a, const std::string& b)
    {
        return listener.with([&](auto& l) {
            for (const auto& e : l.sessionEvents)
                if ((e.kind == SessionEventKind::Error || e.kind == SessionEventKind::Reject)
                    && e.text.find(a) != std::string::npos && e.text.find(b) != std::string::npos)
                    return true;
            return false;
        });
    }
};

} // namespace hm::test
