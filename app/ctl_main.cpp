// helmsman-ctl: the command-line client of a running Helmsman's control socket.
// Builds one JSON request from its arguments, prints the reply, exits 0 when ok.
#include "runtime.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

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
              "  rearm-all --reason TEXT                      (risk manager)\n"
              "  approve|reject TICKET | --agent AGENT\n"
              "  throttle-level AGENT LEVEL(0..100)\n"
              "  set-limit NAME VALUE --reason TEXT           (risk manager)\n"
              "  --raw JSON                                   send a request as is\n"
              "The risk-manager passphrase is read from HELMSMAN_RISK_PASSPHRASE or, with\n"
              "--passphrase-stdin, from the first line of standard input.\n"
              "Default socket: <data dir>/control.sock");
}
} // namespace

int main(int argc, char** argv)
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
        } else if (a == "--reason") {
            req["reason"] = next();
        } else if (a == "--agent") {
            req["agent"] = next();
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
        const std::string cmd = pos[0];
        req["cmd"] = cmd;
        if (cmd == "approve" || cmd == "reject") {
            if (pos.size() > 1)
                req["ticket"] = std::strtoull(pos[1].c_str(), nullptr, 10);
        } else if (cmd == "throttle-level") {
            if (pos.size() < 3) {
                std::fprintf(stderr, "helmsman-ctl: throttle-level needs AGENT LEVEL\n");
                return 2;
            }
            req["agent"] = pos[1];
            req["level"] = std::atoi(pos[2].c_str());
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
        if (!pass.empty())
            req["passphrase"] = pass;
        line = req.dump();
    }
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, socketPath.c_str(), sizeof(addr.sun_path) - 1);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        std::fprintf(stderr, "helmsman-ctl: cannot connect to %s: %s (is helmsman running with --control-socket?)\n",
                     socketPath.c_str(), std::strerror(errno));
        return 3;
    }
    line += "\n";
    if (::write(fd, line.data(), line.size()) < 0) {
        std::fprintf(stderr, "helmsman-ctl: write failed\n");
        return 3;
    }
    std::string out;
    char buf[4096];
    ssize_t n;
    while (out.find('\n') == std::string::npos && (n = ::read(fd, buf, sizeof buf)) > 0)
        out.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    try {
        const json r = json::parse(out);
        std::printf("%s\n", r.dump(2).c_str());
        return r.value("ok", false) ? 0 : 1;
    } catch (const std::exception&) {
        std::fprintf(stderr, "helmsman-ctl: unreadable reply: %s\n", out.c_str());
        return 3;
    }
}
