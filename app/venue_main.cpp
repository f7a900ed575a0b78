// helmsman-venue: the simulated venue on its own, for other FIX clients.
#include "fix/fix_venue.h"
#include "runtime.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>

namespace {
std::atomic<bool> g_stop{false};
void onSignal(int) { g_stop = true; }

void usage(std::ostream& out)
{
    out << "Usage: helmsman-venue [--port N] [--seed N] [--instruments SYM[:TICK[:LOT[:CCY]]],...]\n"
           "                      [--comp-id ID] [--clients ID,...] [--password PW] [--flow N]\n"
           "                      [--store DIR] [--dictionary FILE] [--log-messages]\n"
           "                      [--sim-config FILE] [--regime NAME] [--speed X]\n"
           "Runs the simulated FIX 4.4 venue until interrupted (Ctrl-C). The market simulator\n"
           "drives it (--flow 0: a quiet market with a seeded book only); --regime holds one\n"
           "of the configuration's regimes (calm, normal, volatile, stressed) for demonstrations;\n"
           "--speed runs virtual time faster than the wall clock.\n";
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
                c.port = std::stoi(value("--port"));
                if (c.port <= 0 || c.port > 65535)
                    throw std::invalid_argument("port");
            } else if (a == "--seed") {
                c.seed = std::stoull(value("--seed"));
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
                c.flowOrdersPerSecond = std::stod(value("--flow"));
            } else if (a == "--sim-config") {
                c.simConfigPath = value("--sim-config");
            } else if (a == "--regime") {
                c.regime = value("--regime");
            } else if (a == "--speed") {
                c.simSpeed = std::stod(value("--speed"));
                if (c.simSpeed <= 0 || c.simSpeed > 1000)
                    throw std::invalid_argument("speed");
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
        } catch (const std::invalid_argument&) {
            std::cerr << "helmsman-venue: bad value for " << a << ": '" << argv[i] << "'\n";
            return 2;
        } catch (const std::out_of_range&) {
            std::cerr << "helmsman-venue: value out of range for " << a << "\n";
            return 2;
        } catch (const std::exception& e) {
            std::cerr << "helmsman-venue: " << a << ": " << e.what() << "\n";
            return 2;
        }
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
