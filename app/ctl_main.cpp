// helmsman-ctl: the command-line client of a running Helmsman's control socket.
// Builds one JSON request from its arguments, prints the reply, exits 0 when ok.
#include "data_directory.h"
#include "utf8.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace {
void usage()
{
    std::puts("usage: helmsman-ctl [--socket PATH] COMMAND [ARGS]\n"
              "  list | status | limits\n"
              "  start|pause|resume|throttle|reduce-only|halt|kill|rearm AGENT|'*' [--reason TEXT]\n"
              "  kill-all [--reason TEXT]\n"
              "  kill-instrument SYMBOL[,SYMBOL...] [--reason TEXT]   its agents killed, orders cancelled, halted\n"
              "  kill-cluster SYMBOL [--reason TEXT]          the same for SYMBOL's correlated cluster\n"
              "  portfolio                                    exposure, VaR/ES, correlation, clusters, stress, attribution\n"
              "  set-reference SYMBOL PRICE [--reason TEXT]   the reference price without market data\n"
              "  rearm-all --reason TEXT                      (risk manager)\n"
              "  approve|reject TICKET | --agent AGENT\n"
              "  throttle-level AGENT LEVEL(0..100)\n"
              "  set-limit NAME VALUE --reason TEXT           (risk manager)\n"
              "  set-limit NAME@SYMBOL VALUE|default --reason TEXT   one instrument's own limit\n"
              "  work AGENT TYPE INSTRUMENT buy|sell QTY DURATION_S [--interval S] [--model FILE]\n"
              "                                               a new execution agent works this parent order\n"
              "  --raw JSON                                   send a request as is\n"
              "The risk-manager passphrase is read from HELMSMAN_RISK_PASSPHRASE or, with\n"
              "--passphrase-stdin, from the first line of standard input.\n"
              "Default socket: <data dir>/control.sock");
}

// Requests are JSON, so text must be UTF-8: say which argument is not, instead of
// letting the JSON library abort the program.
bool checkUtf8(const std::string& what, const std::string& text)
{
    const std::size_t bad = hm::firstInvalidUtf8(text);
    if (bad == std::string::npos)
        return true;
    std::fprintf(stderr, "helmsman-ctl: %s is not valid UTF-8 (byte 0x%02X at offset %zu); text must be UTF-8\n",
                 what.c_str(), static_cast<unsigned char>(text[bad]), bad);
    return false;
}

// A whole decimal number from lo to hi, or false.
bool wholeNumber(const std::string& text, long long lo, unsigned long long hi, unsigned long long& out)
{
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
        return false;
    errno = 0;
    char* end = nullptr;
    out = std::strtoull(text.c_str(), &end, 10);
    return errno == 0 && *end == '\0' && out >= static_cast<unsigned long long>(lo) && out <= hi;
}

int run(int argc, char** argv);
} // namespace

int main(int argc, char** argv)
{
    try {
        return run(argc, argv);
    } catch (const std::exception& e) { // nothing here should throw; never abort a script's kill
        std::fprintf(stderr, "helmsman-ctl: %s\n", e.what());
        return 3;
    }
}

namespace {

int run(int argc, char** argv)
{
    using json = nlohmann::json;
    std::string socketPath = hm::defaultDataDirectory() + "/control.sock";
    json req = json::object();
    std::vector<std::string> pos;
    bool passStdin = false;
    std::string raw;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "helmsman-ctl: %s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--help" || a == "-h") {
            usage();
            return 0;
        } else if (a == "--socket") {
            socketPath = next();
        } else if (a == "--interval" || a == "--model") {
            const std::string v = next();
            if (!checkUtf8(a, v))
                return 2;
            req[a == "--interval" ? "interval_s" : "model"] = v;
        } else if (a == "--reason" || a == "--agent") {
            const std::string v = next();
            if (!checkUtf8(a, v))
                return 2;
            req[a.substr(2)] = v;
        } else if (a == "--passphrase-stdin") {
            passStdin = true;
        } else if (a == "--raw") {
            raw = next();
        } else if (a.rfind("--", 0) == 0) {
            std::fprintf(stderr, "helmsman-ctl: unknown option %s (see --help)\n", a.c_str());
            return 2;
        } else {
            pos.push_back(a);
        }
    }
    std::string line;
    if (!raw.empty()) {
        line = raw;
    } else {
        if (pos.empty()) {
            usage();
            return 2;
        }
        for (std::size_t k = 0; k < pos.size(); ++k)
            if (!checkUtf8("argument " + std::to_string(k + 1), pos[k]))
                return 2;
        const std::string cmd = pos[0];
        req["cmd"] = cmd;
        if (cmd == "approve" || cmd == "reject") {
            if (pos.size() > 1) {
                unsigned long long ticket = 0;
                if (!wholeNumber(pos[1], 1, ~0ULL, ticket)) {
                    std::fprintf(stderr, "helmsman-ctl: %s: '%s' is not a ticket number (a whole number from 1)\n",
                                 cmd.c_str(), pos[1].c_str());
                    return 2;
                }
                req["ticket"] = ticket;
            }
        } else if (cmd == "throttle-level") {
            if (pos.size() < 3) {
                std::fprintf(stderr, "helmsman-ctl: throttle-level needs AGENT LEVEL\n");
                return 2;
            }
            unsigned long long level = 0;
            if (!wholeNumber(pos[2], 0, 100, level)) {
                std::fprintf(stderr, "helmsman-ctl: throttle-level: LEVEL must be a whole number from 0 to 100, got '%s'\n",
                             pos[2].c_str());
                return 2;
            }
            req["agent"] = pos[1];
            req["level"] = level;
        } else if (cmd == "work") {
            unsigned long long qty = 0;
            if (pos.size() < 7) {
                std::fprintf(stderr, "helmsman-ctl: work needs AGENT TYPE INSTRUMENT SIDE QTY DURATION_S\n");
                return 2;
            }
            if (!wholeNumber(pos[5], 1, 1000000000ULL, qty)) {
                std::fprintf(stderr, "helmsman-ctl: work: QTY must be a whole number from 1, got '%s'\n", pos[5].c_str());
                return 2;
            }
            req["agent"] = pos[1];
            req["type"] = pos[2];
            req["instrument"] = pos[3];
            req["side"] = pos[4];
            req["quantity"] = qty;
            req["duration_s"] = pos[6];
        } else if (cmd == "kill-instrument" || cmd == "kill-cluster") {
            if (pos.size() != 2) {
                std::fprintf(stderr, "helmsman-ctl: %s needs one SYMBOL argument%s\n", cmd.c_str(),
                             cmd == "kill-instrument" ? " (several: SYM,SYM)" : "");
                return 2;
            }
            req["instrument"] = pos[1];
        } else if (cmd == "set-reference") {
            if (pos.size() < 3) {
                std::fprintf(stderr, "helmsman-ctl: set-reference needs SYMBOL PRICE\n");
                return 2;
            }
            req["instrument"] = pos[1];
            req["value"] = pos[2];
        } else if (cmd == "set-limit") {
            if (pos.size() < 3) {
                std::fprintf(stderr, "helmsman-ctl: set-limit needs NAME VALUE\n");
                return 2;
            }
            req["name"] = pos[1];
            req["value"] = pos[2];
        } else if (pos.size() > 1) {
            req["agent"] = pos[1];
        }
        std::string pass;
        if (passStdin)
            std::getline(std::cin, pass);
        else if (const char* env = std::getenv("HELMSMAN_RISK_PASSPHRASE"))
            pass = env;
        if (!pass.empty() && pass.back() == '\r')
            pass.pop_back();
        if (!pass.empty()) {
            if (!checkUtf8("the passphrase", pass))
                return 2;
            req["passphrase"] = pass;
        }
        line = req.dump(-1, ' ', false, json::error_handler_t::replace);
    }
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (socketPath.size() >= sizeof(addr.sun_path)) {
        std::fprintf(stderr, "helmsman-ctl: socket path %s is too long\n", socketPath.c_str());
        return 2;
    }
    std::strncpy(addr.sun_path, socketPath.c_str(), sizeof(addr.sun_path) - 1);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        std::fprintf(stderr, "helmsman-ctl: cannot connect to %s: %s (is helmsman running with --control-socket?)\n",
                     socketPath.c_str(), std::strerror(errno));
        return 3;
    }
    line += "\n";
    for (std::size_t sent = 0; sent < line.size();) {
        const ssize_t n = ::send(fd, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            std::fprintf(stderr, "helmsman-ctl: write failed: %s\n", std::strerror(errno));
            return 3;
        }
        sent += static_cast<std::size_t>(n);
    }
    // A server that never answers must not hang a script: give up after a while.
    constexpr int kReplyTimeoutMs = 20000;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kReplyTimeoutMs);
    std::string out;
    char buf[4096];
    while (out.find('\n') == std::string::npos) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        pollfd p{fd, POLLIN, 0};
        const int ready = left > 0 ? ::poll(&p, 1, static_cast<int>(left)) : 0;
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0) {
            std::fprintf(stderr, "helmsman-ctl: no reply from %s within %d s\n", socketPath.c_str(), kReplyTimeoutMs / 1000);
            ::close(fd);
            return 3;
        }
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    try {
        const json r = json::parse(out.substr(0, out.find('\n')));
        std::printf("%s\n", r.dump(2, ' ', false, json::error_handler_t::replace).c_str());
        return r.is_object() && r.value("ok", false) == true ? 0 : 1;
    } catch (const std::exception&) {
        std::fprintf(stderr, "helmsman-ctl: unreadable reply: %s\n", out.c_str());
        return 3;
    }
}

} // namespace
