#pragma once
// spdlog set-up: a rotating file in the data directory, the console, the journal
// (warnings and above), and any number of callbacks (the window's log panel).
#include <functional>
#include <string>

namespace hm {

class JournalWriter;

using LogCallback = std::function<void(int level, const std::string& logger, const std::string& message)>;

// Returns the log file path. consoleLevel: spdlog level for the console sink.
std::string setupLogging(const std::string& dataDirectory, int consoleLevel);
void attachJournalToLog(JournalWriter* journal); // nullptr detaches
// An error for the log file, the journal and the callbacks but not the console: for
// what the caller says on stderr itself, so that it is said there once. Before
// setupLogging it goes to the default logger.
void logErrorOffConsole(const std::string& message);
void addLogCallback(LogCallback callback);
void clearLogCallbacks();

} // namespace hm
