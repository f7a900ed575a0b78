// helmsman-venue: the simulated venue on its own, for other FIX clients.
#include "fix/fix_venue.h"
#include "runtime.h"
#include "sim/sim_config.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <limits>
#include <string>
#include <thread>

namespace {
std::atomic<bool> g_stop{false};
void onSignal(int) { g_stop = true; }

void usage(std::ostream& out)
{
    out << "Usage: helmsman-venue [--port N] [--seed N] [--instruments SYM[:TICK[:LOT[:CCY]]],...]\n"
           "                      (default: the simulator's universe; HMX with --flow 0)\n"
           "                      [--comp-id ID] [--clients ID,...] [--password PW] [--flow N]\n"
           "                      [--store DIR] [--dictionary FILE] [--log-messages]\n"
           "                      [--sim-config FILE] [--regime NAME] [--speed X]\n"
           "Runs the simulated FIX 4.4 venue until interrupted (Ctrl-C). The market simulator\n"
           "drives it (--flow 0: a quiet market with a seeded book only); --regime holds one\n"
           "of the configuration's regimes (calm, normal, volatile, stressed) for demonstrations;\n"
           "--speed runs virtual time faster than the wall clock. --store holds the FIX\n"
           "message stores and orders.ledger, the client orders and fills, which a restart on\n"
           "the same directory restores (orders still working are reported cancelled).\n";
}

// A number the option accepts, the whole text of it: "9878x", "nan", "inf", "1e300" and
// "-1" (which strtoull would wrap to 2^64 - 1) are refused rather than read in part or
// wrapped, the way helmsman bounds its own numbers.
bool wholeNumber(const std::string& text, unsigned long long min, unsigned long long max, unsigned long long& out)
{
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
        return false;
    errno = 0;
    const unsigned long long v = std::strtoull(text.c_str(), nullptr, 10);
    if (errno == ERANGE || v < min || v > max)
        return false;
    out = v;
    return true;
}

bool realNumber(const std::string& text, double min, double max, double& out)
{
    if (text.empty() || text.find_first_not_of("0123456789.eE+-") != std::string::npos)
        return false; // no spaces, hex, "nan" or "inf"
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (*end != '\0' || !std::isfinite(v) || v < min || v > max)
        return false;
    out = v;
    return true;
}

[[noreturn]] void badNumber(const char* option, const std::string& value, const std::string& range)
{
    std::cerr << "helmsman-venue: " << option << " needs " << range << ", got '" << value << "'\n";
    std::exit(2);
}
} // namespace

int main(int argc, char** argv)
{
    hm::VenueConfig c;
    c.port = 9878;
    c.storeDirectory = hm::defaultDataDirectory() + "/venue-standalone";
    c.dataDictionary = hm::defaultResourceDirectory() + "/fix/FIX44.xml";
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&](const char* name) -> std::string {
            if (i + 1 >= argc) {
                std::cerr << "helmsman-venue: " << name << " needs a value\n";
                std::exit(2);
            }
            return argv[++i];
        };
        try {
            if (a == "--help" || a == "-h") {
                usage(std::cout);
                return 0;
            } else if (a == "--version") {
                std::cout << "helmsman-venue " << HM_VERSION << "\n";
                return 0;
            } else if (a == "--port") {
                const std::string v = value("--port");
                unsigned long long port = 0;
                if (!wholeNumber(v, 1, 65535, port))
                    badNumber("--port", v, "a whole number from 1 to 65535");
                c.port = static_cast<int>(port);
            } else if (a == "--seed") {
                const std::string v = value("--seed");
                unsigned long long seed = 0;
                if (!wholeNumber(v, 0, std::numeric_limits<std::uint64_t>::max(), seed))
                    badNumber("--seed", v, "a whole number from 0 to 18446744073709551615");
                c.seed = seed;
            } else if (a == "--instruments") {
                c.instruments = hm::FixVenue::parseInstruments(value("--instruments"));
            } else if (a == "--comp-id") {
                c.compId = value("--comp-id");
            } else if (a == "--clients") {
                c.clientCompIds.clear();
                std::string list = value("--clients"), item;
                for (char ch : list + ",") {
                    if (ch == ',') {
                        if (!item.empty())
                            c.clientCompIds.push_back(item);
                        item.clear();
                    } else {
                        item += ch;
                    }
                }
            } else if (a == "--password") {
                c.password = value("--password");
            } else if (a == "--flow") {
                const std::string v = value("--flow");
                if (!realNumber(v, 0, 1e6, c.flowOrdersPerSecond))
                    badNumber("--flow", v, "a number from 0 to 1e+06");
            } else if (a == "--sim-config") {
                c.simConfigPath = value("--sim-config");
            } else if (a == "--regime") {
                c.regime = value("--regime");
            } else if (a == "--speed") {
                const std::string v = value("--speed");
                if (!realNumber(v, 0.001, 1000, c.simSpeed))
                    badNumber("--speed", v, "a number from 0.001 to 1000");
            } else if (a == "--store") {
                c.storeDirectory = value("--store");
            } else if (a == "--dictionary") {
                c.dataDictionary = value("--dictionary");
            } else if (a == "--log-messages") {
                c.logMessages = true;
            } else {
                std::cerr << "helmsman-venue: unknown option '" << a << "'\n";
                usage(std::cerr);
                return 2;
            }
        } catch (const std::exception& e) { // an instrument list that does not parse
            std::cerr << "helmsman-venue: " << a << ": " << e.what() << "\n";
            return 2;
        }
    }
    if (c.instruments.empty() && c.flowOrdersPerSecond > 0) {
        // The simulator's whole universe; a file that does not load is reported by the venue.
        hm::SimConfig sim = hm::defaultSimConfig();
        if (!c.simConfigPath.empty() && !hm::loadSimConfig(c.simConfigPath, sim).empty())
            sim = hm::defaultSimConfig();
        for (const auto& m : sim.universe.members)
            c.instruments.push_back(m.instrument);
    }
    hm::makeDirectories(c.storeDirectory);
    hm::FixVenue venue(c);
    try {
        venue.start();
    } catch (const std::exception& e) {
        std::cerr << "helmsman-venue: " << e.what() << "\n";
        return 3;
    }
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    std::cout << "helmsman-venue listening on port " << venue.port() << " (FIX.4.4, " << c.compId << ")" << std::endl;
    while (!g_stop.load())
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    venue.stop();
    const hm::VenueStats s = venue.stats();
    std::cout << "helmsman-venue stopped: " << s.ordersReceived << " client orders, " << s.trades << " trades, "
              << s.executionReports << " execution reports\n";
    return 0;
}
