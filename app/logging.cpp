#include "logging.h"

#include "journal/journal_codec.h"
#include "journal/journal_writer.h"
#include "runtime.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <mutex>
#include <vector>

namespace hm {
namespace {

std::atomic<JournalWriter*> g_journal{nullptr};
std::mutex g_offConsoleMutex;
std::shared_ptr<spdlog::logger> g_offConsole; // "helmsman" without the console sink
std::mutex g_callbacksMutex;
std::vector<LogCallback> g_callbacks;

class ForwardingSink : public spdlog::sinks::base_sink<std::mutex> {
protected:
    void sink_it_(const spdlog::details::log_msg& msg) override
    {
        const std::string text(msg.payload.data(), msg.payload.size());
        const std::string logger(msg.logger_name.data(), msg.logger_name.size());
        if (msg.level >= spdlog::level::warn) {
            if (JournalWriter* j = g_journal.load())
                j->append(encode(LogRecord{logger, static_cast<int>(msg.level), text}, wallNs()));
        }
        std::lock_guard<std::mutex> lock(g_callbacksMutex);
        for (const auto& cb : g_callbacks)
            cb(static_cast<int>(msg.level), logger, text);
    }
    void flush_() override {}
};

} // namespace

std::string setupLogging(const std::string& dataDirectory, int consoleLevel)
{
    std::vector<spdlog::sink_ptr> sinks;
    std::string file;
    const std::string dir = dataDirectory + "/logs";
    if (makeDirectories(dir)) {
        file = dir + "/helmsman.log";
        try {
            auto rotating = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(file, 5 * 1024 * 1024, 3);
            rotating->set_level(spdlog::level::info);
            sinks.push_back(rotating);
        } catch (const spdlog::spdlog_ex& e) {
            file.clear();
            fprintf(stderr, "helmsman: cannot open log file in %s: %s\n", dir.c_str(), e.what());
        }
    }
    auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    console->set_level(static_cast<spdlog::level::level_enum>(consoleLevel));
    sinks.push_back(console);
    auto forward = std::make_shared<ForwardingSink>();
    forward->set_level(spdlog::level::info);
    sinks.push_back(forward);
    for (const char* name : {"helmsman", "fix", "venue"}) {
        spdlog::drop(name);
        auto logger = std::make_shared<spdlog::logger>(name, sinks.begin(), sinks.end());
        logger->set_level(spdlog::level::info);
        logger->flush_on(spdlog::level::warn);
        spdlog::register_logger(logger);
        if (std::string(name) == "helmsman")
            spdlog::set_default_logger(logger);
    }
    spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [%n] %v");
    std::vector<spdlog::sink_ptr> offConsole;
    for (const auto& sink : sinks)
        if (sink != console)
            offConsole.push_back(sink);
    auto quiet = std::make_shared<spdlog::logger>("helmsman", offConsole.begin(), offConsole.end());
    quiet->set_level(spdlog::level::info);
    quiet->flush_on(spdlog::level::warn);
    std::lock_guard<std::mutex> lock(g_offConsoleMutex);
    g_offConsole = quiet; // not registered: its name is the default logger's
    return file;
}

void attachJournalToLog(JournalWriter* journal) { g_journal = journal; }

void logErrorOffConsole(const std::string& message)
{
    std::shared_ptr<spdlog::logger> logger;
    {
        std::lock_guard<std::mutex> lock(g_offConsoleMutex);
        logger = g_offConsole;
    }
    (logger ? logger : spdlog::default_logger())->error("{}", message);
}

void addLogCallback(LogCallback callback)
{
    std::lock_guard<std::mutex> lock(g_callbacksMutex);
    g_callbacks.push_back(std::move(callback));
}

void clearLogCallbacks()
{
    std::lock_guard<std::mutex> lock(g_callbacksMutex);
    g_callbacks.clear();
}

} // namespace hm
