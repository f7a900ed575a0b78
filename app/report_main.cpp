// helmsman-report: what an analyst asks of a session journal, from the command line.
// The journal is opened read-only and never modified.
#include "learning_agents.h"
#include "journal/journal_integrity.h"
#include "replay/analysis.h"
#include "replay/what_if_model.h"
#include "replay/replay_session.h"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>

namespace {

void usage(std::ostream& out)
{
    out << "usage: helmsman-report JOURNAL [options]\n"
           "  (no option)              summary and execution report (shortfall by agent and instrument,\n"
           "                           then fills, volume, position and P&L by instrument)\n"
           "  --csv FILE               also write the execution report as CSV (a row per agent and instrument)\n"
           "  --instruments-csv FILE   also write the summary by instrument as CSV\n"
           "  --export FILE            export records to CSV (with --from / --to: seconds from the start)\n"
           "  --from S, --to S         the time range for --export\n"
           "  --what-if NAME=VALUE,... re-check the session's orders under other limits\n"
           "  --what-if-model AGENT=FILE  re-run a learning agent on the recorded market with another model\n"
           "  --verify                 replay through the engine, compare the recorded state hashes\n"
           "Limit names: as in the limits editor and helmsman-ctl (e.g. max_position, max_order_qty).\n"
           "Every run first checks that the journal is what its session wrote (audit chain, record\n"
           "sequence, state hashes, seal); exit status 3 when a check fails (the output still follows).\n";
}

int fail(const std::string& message)
{
    std::cerr << "helmsman-report: " << message << "\n";
    return 2;
}

constexpr int kTampered = 3; // the journal failed an integrity check: it was changed after its session wrote it

// What every mode says about the journal first: one line when all is well, every check
// when one failed (and the failure again on stderr, where a script looks).
void printIntegrity(const hm::JournalIntegrity& integrity, bool detailed)
{
    std::cout << "integrity: " << integrity.summary() << "\n";
    if (detailed || integrity.failed())
        std::cout << integrity.report();
    std::cout << "\n";
    for (const auto& c : integrity.checks)
        if (c.status == hm::CheckStatus::Fail)
            std::cerr << "helmsman-report: journal FAILS its integrity check: " << c.name << ": " << c.detail << "\n";
}

} // namespace

int main(int argc, char** argv)
{
    std::string journalPath, csvPath, instrumentsCsvPath, exportPath, whatIf, whatIfModelSpec;
    double from = -1, to = -1;
    bool verify = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&](const char* name) -> const char* {
            if (i + 1 >= argc) {
                std::cerr << "helmsman-report: " << name << " needs a value\n";
                std::exit(2);
            }
            return argv[++i];
        };
        auto seconds = [&](const char* name) {
            const char* v = value(name);
            char* end = nullptr;
            const double d = std::strtod(v, &end);
            if (end == v || *end || d < 0) {
                std::cerr << "helmsman-report: " << name << " '" << v << "' is not a number of seconds\n";
                std::exit(2);
            }
            return d;
        };
        if (a == "-h" || a == "--help") {
            usage(std::cout);
            return 0;
        } else if (a == "--csv") {
            csvPath = value("--csv");
        } else if (a == "--instruments-csv") {
            instrumentsCsvPath = value("--instruments-csv");
        } else if (a == "--export") {
            exportPath = value("--export");
        } else if (a == "--from") {
            from = seconds("--from");
        } else if (a == "--to") {
            to = seconds("--to");
        } else if (a == "--what-if") {
            whatIf = value("--what-if");
        } else if (a == "--what-if-model") {
            whatIfModelSpec = value("--what-if-model");
        } else if (a == "--verify") {
            verify = true;
        } else if (!a.empty() && a[0] == '-') {
            usage(std::cerr);
            return fail("unknown option '" + a + "'");
        } else if (journalPath.empty()) {
            journalPath = a;
        } else {
            return fail("one journal at a time ('" + a + "' is extra)");
        }
    }
    if (journalPath.empty()) {
        usage(std::cerr);
        return 2;
    }
    try {
        hm::JournalReader journal(journalPath);
        const hm::Timeline t = hm::buildTimeline(journal, 1);
        std::cout << "journal " << journalPath << ": schema " << journal.schemaVersion() << ", records " << t.firstSeq
                  << ".." << t.lastSeq << ", " << static_cast<double>(t.end - t.start) / 1e9 << " s, " << t.marks.size()
                  << " marked events\n";
        hm::JournalIntegrity integrity = hm::checkIntegrity(journal);
        const int done = integrity.failed() ? kTampered : 0; // the status of a mode that ran to its end
        if (!verify)
            printIntegrity(integrity, false);
        if (!exportPath.empty()) {
            std::ofstream out(exportPath);
            if (!out)
                return fail("cannot write '" + exportPath + "'");
            const hm::Timestamp a = from >= 0 ? t.start + static_cast<hm::Timestamp>(from * 1e9) : 0;
            const hm::Timestamp b = to >= 0 ? t.start + static_cast<hm::Timestamp>(to * 1e9) : 0;
            const std::size_t n = hm::exportCsv(journal, a, b, out);
            std::cout << "exported " << n << " records to " << exportPath << "\n";
            return done;
        }
        if (!whatIf.empty()) {
            std::vector<std::pair<std::string, std::string>> overrides;
            std::size_t start = 0;
            while (start <= whatIf.size()) {
                std::size_t end = whatIf.find(',', start);
                if (end == std::string::npos)
                    end = whatIf.size();
                const std::string pair = whatIf.substr(start, end - start);
                const std::size_t eq = pair.find('=');
                if (eq == std::string::npos || eq == 0)
                    return fail("--what-if: '" + pair + "' is not NAME=VALUE");
                overrides.emplace_back(pair.substr(0, eq), pair.substr(eq + 1));
                start = end + 1;
            }
            hm::printWhatIf(hm::whatIfLimits(journal, overrides), std::cout);
            return done;
        }
        if (!whatIfModelSpec.empty()) {
            const std::size_t eq = whatIfModelSpec.find('=');
            if (eq == std::string::npos || eq == 0 || eq + 1 == whatIfModelSpec.size())
                return fail("--what-if-model: '" + whatIfModelSpec + "' is not AGENT=MODEL_FILE");
            hm::registerLearningAgents(hm::defaultModelDirectory());
            hm::printWhatIfModel(hm::whatIfModel(journal, whatIfModelSpec.substr(0, eq), whatIfModelSpec.substr(eq + 1)),
                                 std::cout);
            return done;
        }
        if (verify) {
            hm::ReplaySession replay(journalPath);
            const auto t0 = std::chrono::steady_clock::now();
            replay.start();
            replay.runTo(replay.lastSeq());
            const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            replay.stop();
            const hm::SnapshotPtr snap = replay.engine().latest();
            const hm::ReplayView& v = snap->replay;
            std::cout << "replayed " << replay.position() << " records in " << s << " s ("
                      << static_cast<double>(replay.position()) / s / 1e6 << " M/s)\n"
                      << "state hashes: " << v.hashChecks << " checked, " << v.hashMismatches << " differ"
                      << (v.hashMismatches ? " (first at record " + std::to_string(v.firstMismatchSeq) + ")" : "") << "\n";
            integrity.addReplayResult(v.hashChecks, v.hashMismatches, v.firstMismatchSeq);
            printIntegrity(integrity, true);
            if (!replay.error().empty())
                return fail(replay.error());
            // 1 when only the replayed state differs (a build that replays differently);
            // 3 when the file itself fails a check.
            bool otherFailure = false;
            for (const auto& c : integrity.checks)
                otherFailure |= c.status == hm::CheckStatus::Fail && c.name != "state replayed";
            return otherFailure ? kTampered : v.hashMismatches == 0 ? 0 : 1;
        }
        const hm::ExecutionReportData report = hm::executionReport(journal);
        hm::printExecutionReport(report, std::cout);
        if (!csvPath.empty()) {
            std::ofstream out(csvPath);
            if (!out)
                return fail("cannot write '" + csvPath + "'");
            hm::writeExecutionReportCsv(report, out);
            std::cout << "\nwrote " << csvPath << "\n";
        }
        if (!instrumentsCsvPath.empty()) {
            std::ofstream out(instrumentsCsvPath);
            if (!out)
                return fail("cannot write '" + instrumentsCsvPath + "'");
            hm::writeInstrumentSummaryCsv(report, out);
            std::cout << "\nwrote " << instrumentsCsvPath << "\n";
        }
        return done;
    } catch (const std::exception& e) {
        return fail(e.what());
    }
    return 0;
}
